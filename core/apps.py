from django.apps import AppConfig
from django.db.models.signals import pre_migrate

from core.migration_ops import set_lock_timeout


class CoreConfig(AppConfig):
    """Shared building blocks (working days, paging, outbox, GOV.UK components, errors); imports no app."""

    name = "core"
    verbose_name = "Shared building blocks"

    def ready(self) -> None:
        pre_migrate.connect(set_lock_timeout, dispatch_uid="core.set_lock_timeout")
