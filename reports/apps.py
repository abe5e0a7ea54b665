from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reviews, recommendations and board reporting"

    def ready(self) -> None:
        from . import signals
        from .bodies import signals as body_signals

        signals.connect()
        body_signals.connect()
