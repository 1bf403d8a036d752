from django.urls import path

from decisions import views

app_name = "decisions"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("quality-audits/", views.audits, name="audits"),
    path("flow/", views.flow_dashboard, name="flow"),
    path("letters/", views.letters_list, name="letters"),
    path("letters/<int:decision_id>/sent/", views.letter_sent, name="letter-sent"),
    path("quality-audits/<int:audit_id>/", views.audit_finding, name="audit-finding"),
    path("<uuid:pk>/", views.case_overview, name="case"),
    path("<uuid:pk>/referral/", views.case_referral, name="case-referral"),
    path("<uuid:pk>/timeline/", views.case_timeline, name="case-timeline"),
    path("<uuid:pk>/allocate/", views.allocate, name="allocate"),
    path("<uuid:pk>/transfer/", views.transfer, name="transfer"),
    path("<uuid:pk>/decisions/<str:stage>/", views.decision_edit, name="decision"),
    path("<uuid:pk>/decisions/<int:decision_id>/send/", views.decision_send, name="decision-send"),
    path("<uuid:pk>/decisions/<int:decision_id>/review/", views.review, name="review"),
    path("<uuid:pk>/decisions/<int:decision_id>/letter/", views.letter, name="letter"),
    path("<uuid:pk>/decisions/<int:decision_id>/letter.pdf", views.letter_download, name="letter-pdf"),
    path("<uuid:pk>/notes/", views.add_note, name="note"),
    path("<uuid:pk>/involvement/", views.declare_involvement, name="declare"),
    path("<uuid:pk>/information-requests/", views.request_information, name="request-information"),
    path("<uuid:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<uuid:pk>/close/", views.close, name="close"),
    path("<uuid:pk>/reconsideration/", views.reconsider, name="reconsider"),
]
