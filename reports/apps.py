from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reviews, recommendations and board reporting"

    def ready(self) -> None:
        from agencies.open_work import register

        from . import signals
        from .open_work import evidence_requests_unanswered, recommendations_awaiting

        signals.connect()
        register(recommendations_awaiting)
        register(evidence_requests_unanswered)
