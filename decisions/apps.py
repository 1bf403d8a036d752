from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "decisions"
    verbose_name = "Competent authority casework"

    def ready(self) -> None:
        from decisions.services.case import on_referral_submitted
        from referrals.signals import referral_submitted

        referral_submitted.connect(on_referral_submitted, dispatch_uid="decisions.open_case_file")

        from decisions.selectors.letters import served_decisions_shown_to
        from referrals.extensions import register_decision_reader

        register_decision_reader(served_decisions_shown_to)

        from core.home_panels import register
        from decisions.home import casework_panels

        register(casework_panels)

        from decisions.waiting import forecast_reader
        from referrals.forecasts import register_forecast_reader

        register_forecast_reader(forecast_reader)
