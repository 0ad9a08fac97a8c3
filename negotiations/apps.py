from django.apps import AppConfig


class NegotiationsConfig(AppConfig):
    name = "negotiations"
    default_auto_field = "django.db.models.BigAutoField"
