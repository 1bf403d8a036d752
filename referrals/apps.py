from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from core.home_panels import register
        from referrals.home import first_responder_panels, guardian_panels

        register(first_responder_panels)
        register(guardian_panels)
