from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "organisations"
    verbose_name = "Organisations and users"

    def ready(self) -> None:
        from organisations import schema  # noqa: F401 - registers the OpenAPI auth extensions
