from django.apps import AppConfig


class VictimCareConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'victim_care'
