from django.apps import AppConfig


class VictimCareConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "victim_care"
    verbose_name = "Victim care"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_save

        from core.home_panels import register
        from decisions.signals import case_ended, decision_served
        from organisations.models import User
        from victim_care import services
        from victim_care.home import victim_care_panels

        decision_served.connect(services.on_decision_served, dispatch_uid="victim_care.open_support_case")
        case_ended.connect(services.on_case_ended, dispatch_uid="victim_care.end_support_with_case")
        post_save.connect(services.on_user_saved, sender=User, dispatch_uid="victim_care.provider_group_on_save")
        m2m_changed.connect(services.on_user_groups_changed, sender=User.groups.through,
                            dispatch_uid="victim_care.provider_group_on_roles")
        register(victim_care_panels)
