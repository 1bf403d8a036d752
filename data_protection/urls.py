from django.urls import path

from data_protection import subject_access

urlpatterns = [
    path("<uuid:pk>/", subject_access.subject_access_page, name="subject-access"),
    path("<uuid:pk>.json", subject_access.subject_access_json, name="subject-access-json"),
]
