from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "concerns"
    verbose_name = "Concerns and alerts"

    def ready(self) -> None:
        from agencies.open_work import register

        from .open_work import alerts_unacknowledged

        register(alerts_unacknowledged)
