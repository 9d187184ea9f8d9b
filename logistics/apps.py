from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "logistics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the event subscribers; importing is the whole point.
        import logistics.handlers  # noqa: F401
