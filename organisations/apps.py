from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organisations"
    verbose_name = "Organisations and users"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from organisations import (
            schema,  # noqa: F401 - registers the OpenAPI auth extensions
            throttles,
        )

        # Every failed sign-in (wrong password or wrong code, pages or API) counts against its client address.
        user_login_failed.connect(throttles.on_login_failed, dispatch_uid="organisations.address_failures")
