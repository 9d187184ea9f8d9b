from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ewtp.core"
    label = "core"
    verbose_name = "Platform"
