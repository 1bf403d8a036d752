from django.apps import AppConfig
from django.db.models.signals import pre_migrate
from django.utils.module_loading import autodiscover_modules

from core.migration_ops import set_lock_timeout


class CoreConfig(AppConfig):
    """Shared building blocks (working days, paging, outbox, GOV.UK components, errors); imports no app."""

    name = "core"
    verbose_name = "Shared building blocks"

    def ready(self) -> None:
        pre_migrate.connect(set_lock_timeout, dispatch_uid="core.set_lock_timeout")
        # Each app's navigation.py registers the links to its pages (as the admin finds admin.py), so
        # core needs no app's imports and each app keeps its links beside its pages.
        autodiscover_modules("navigation")
