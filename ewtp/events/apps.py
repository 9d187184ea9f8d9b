from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "ewtp.events"
    label = "events"
    verbose_name = "Events and webhooks"
