from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/", views.open_notification, name="open"),
    path("notifications/read/", views.mark_all_read, name="mark-read"),
    path("notifications/settings/", views.notification_settings, name="settings"),
    path("reminders/", views.manage, name="manage"),
    path("reminders/<int:pk>/retry/", views.retry, name="retry"),
]
