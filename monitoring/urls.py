from django.urls import path, re_path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.report_page, name="report"),
    re_path(r"^monitoring\.(?P<export_format>json|csv|xlsx|ods)$", views.download, name="download"),
    re_path(r"^runs/(?P<run_id>\d+)/(?P<export_format>json|csv|xlsx|ods)$", views.run_file, name="run-file"),
]
