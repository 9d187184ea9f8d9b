from django.apps import AppConfig


class CustomsConfig(AppConfig):
    name = "customs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the event subscribers; importing is the whole point.
        import customs.handlers  # noqa: F401
