from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the event subscribers; importing is the whole point.
        import marketplace.handlers  # noqa: F401
