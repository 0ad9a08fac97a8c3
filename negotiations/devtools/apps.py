from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "negotiations.devtools"
    label = "devtools"
    verbose_name = "Redline development tools"
