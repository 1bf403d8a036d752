from django.apps import AppConfig


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = "Reminders and notifications"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from core.home_panels import register
        from decisions.models import CaseFile, Decision, Reconsideration
        from referrals.models import Referral
        from referrals.signals import drafts_deleted
        from reminders import services
        from reminders.home import notification_panels
        from victim_care.models import Allocation, CareRecordEntry, SupportCase

        for model in (Referral, CaseFile, Decision, Reconsideration, SupportCase, Allocation, CareRecordEntry):
            post_save.connect(services.on_record_saved, sender=model,
                              dispatch_uid=f"reminders.recompute.{model.__name__}")
        drafts_deleted.connect(services.on_drafts_deleted, dispatch_uid="reminders.draft_deleted_notice")
        register(notification_panels, first=True)
