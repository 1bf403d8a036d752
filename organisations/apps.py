from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organisations"
    verbose_name = "Organisations and users"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed
        from django.db.models.signals import m2m_changed, post_save, pre_save

        from core.home_panels import register
        from organisations import (
            schema,  # noqa: F401 - registers the OpenAPI auth extensions
            signals,
            throttles,
        )
        from organisations.home import lockout_panels
        from organisations.models import User

        register(lockout_panels)
        # Every failed sign-in (wrong password or wrong code, pages or API) counts against its client address.
        user_login_failed.connect(throttles.on_login_failed, dispatch_uid="organisations.address_failures")
        # Role, organisation and password changes: account history, access log, API tokens revoked.
        m2m_changed.connect(signals.on_groups_changed, sender=User.groups.through, dispatch_uid="organisations.roles")
        pre_save.connect(signals.on_user_pre_save, sender=User, dispatch_uid="organisations.user_pre_save")
        post_save.connect(signals.on_user_post_save, sender=User, dispatch_uid="organisations.user_post_save")
