from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _after_migrate(sender, **kwargs) -> None:
    """Once per migrate, after the last app's permissions exist: role groups and the beat schedule."""
    last_app_with_models = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender.name != last_app_with_models.name:
        return
    from nrm.schedule import sync_schedule
    from organisations.roles import sync_role_groups

    sync_role_groups()
    sync_schedule()


class NrmConfig(AppConfig):
    name = "nrm"
    verbose_name = "NRM service wiring"

    def ready(self) -> None:
        post_migrate.connect(_after_migrate, dispatch_uid="nrm.after_migrate")
