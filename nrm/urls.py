from django.contrib import admin
from django.urls import include, path

from nrm import views
from organisations import views as organisation_views

admin.site.site_header = "National Referral Mechanism administration"
admin.site.site_title = "NRM administration"
# The admin never signs anyone in itself: that would skip the second factor.
admin.site.login = organisation_views.admin_sign_in

urlpatterns = [
    path("", organisation_views.home, name="home"),
    path("sign-in/", organisation_views.sign_in, name="sign-in"),
    path("sign-in/security-code/", organisation_views.sign_in_verify, name="sign-in-verify"),
    path("sign-in/set-up-authenticator/", organisation_views.sign_in_set_up, name="sign-in-set-up"),
    path("sign-out/", organisation_views.sign_out, name="sign-out"),
    path("team/sign-in-lockouts/", organisation_views.team_lockouts, name="team-lockouts"),
    # Answered by nrm.middleware.OperationsMiddleware before the host check; listed here so that the
    # URL walk and the access matrix see them.
    path("healthz", views.healthz, name="healthz"),
    path("healthz/live", views.healthz_live, name="healthz-live"),
    path("healthz/ready", views.healthz_ready, name="healthz-ready"),
    path("metrics", views.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("referrals/", include("referrals.urls")),
    path("cases/", include("decisions.urls")),
    path("support/", include("victim_care.urls")),
    path("", include("reminders.urls")),
    path("reports/", include("monitoring.urls")),
    path("subject-access/", include("data_protection.urls")),
    path("api/v1/", include("nrm.api_urls")),
]

handler400 = "nrm.views.bad_request"
handler403 = "nrm.views.permission_denied"
handler404 = "nrm.views.page_not_found"
handler500 = "nrm.views.server_error"
