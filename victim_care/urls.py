from django.urls import path, re_path

from victim_care import views

app_name = "victim_care"

urlpatterns = [
    path("", views.support_home, name="home"),
    path("<int:pk>/", views.support_case, name="case"),
    path("providers/<int:provider_id>/", views.provider, name="provider"),
    path("<int:pk>/allocate/", views.allocate, name="allocate"),
    path("<int:pk>/exit/", views.exit_support, name="exit"),
    re_path(r"^statements/(?P<provider_id>\d+)/(?P<year>\d{4})-(?P<month>\d{2})\.(?P<extension>csv|xlsx)$",
            views.statement, name="statement"),
]
