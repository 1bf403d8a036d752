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

        from decisions import signals as decision_signals
        from referrals import signals as referral_signals
        from reminders import events
        from victim_care import signals as support_signals

        for signal, handler in [
            (decision_signals.case_allocated, events.on_case_allocated),
            (decision_signals.decision_sent_for_review, events.on_decision_sent_for_review),
            (decision_signals.decision_returned, events.on_decision_returned),
            (decision_signals.decision_served, events.on_decision_served),
            (decision_signals.reconsideration_requested, events.on_reconsideration_requested),
            (referral_signals.information_requested, events.on_information_requested),
            (referral_signals.information_answered, events.on_information_answered),
            (support_signals.support_case_opened, events.on_support_case_opened),
            (support_signals.support_allocated, events.on_support_allocated),
        ]:
            signal.connect(handler, dispatch_uid=f"reminders.events.{handler.__name__}")
        register(notification_panels, first=True)
