from django.apps import AppConfig


class DataProtectionConfig(AppConfig):
    """Retention and subject access: they read every app, so nothing imports them."""

    name = "data_protection"
    verbose_name = "Data protection"
