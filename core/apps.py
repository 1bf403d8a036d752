from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared building blocks (working days, paging, outbox, GOV.UK components, errors); imports no app."""

    name = "core"
    verbose_name = "Shared building blocks"
