from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
    verbose_name = "Monitoring reports"

    def ready(self) -> None:
        from core.home_panels import register
        from monitoring.home import monitoring_panels

        register(monitoring_panels)
