from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_start, name="start"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/tasks/", views.task_list, name="task-list"),
    path("<uuid:pk>/sections/<slug:slug>/", views.section, name="section"),
    path("<uuid:pk>/documents/", views.documents, name="documents"),
    path("<uuid:pk>/documents/<uuid:document_id>/", views.document_download, name="document"),
    path("<uuid:pk>/documents/<uuid:document_id>/remove/", views.document_remove, name="document-remove"),
    path("<uuid:pk>/check-answers/", views.check_answers, name="check"),
    path("<uuid:pk>/confirmation/", views.confirmation, name="confirmation"),
    path("<uuid:pk>/guardian/", views.guardian, name="guardian"),
    path("<uuid:pk>/guardian/end/", views.guardian_end, name="guardian-end"),
    path("<uuid:pk>/information-requests/<int:request_id>/", views.answer_information_request,
         name="answer-request"),
]
