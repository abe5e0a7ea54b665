from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reviews, recommendations and board reporting"

    def ready(self) -> None:
        from agencies import open_work
        from concerns import citations, trail

        from . import citations as report_citations
        from . import signals
        from .bodies import signals as body_signals
        from .open_work import evidence_requests_unanswered, recommendations_awaiting
        from .trail import priority_steps, review_steps

        signals.connect()
        body_signals.connect()
        register_audit()
        open_work.register(recommendations_awaiting)
        open_work.register(evidence_requests_unanswered)
        trail.register(review_steps)
        trail.register(priority_steps)
        for source in (
            report_citations.review_citations,
            report_citations.recommendation_citations,
            report_citations.priority_citations,
        ):
            citations.register(source)
        register_selection_actions()
        from .handover import register_kinds

        register_kinds()


def register_selection_actions() -> None:
    """The buttons reports adds under the concerns list (concerns.selection)."""
    from concerns.selection import Action, register

    from . import access

    register(
        Action(
            "review",
            "Add them to a review",
            "reports:selection-review",
            lambda user, area: bool(access.review_bodies(user, area)),
            order=30,
        )
    )
    register(
        Action("priority", "Add them to a priority", "reports:selection-priority", access.can_manage_board, order=40)
    )


def register_audit() -> None:
    """The reports' records in the area's audit trail (agencies.audit)."""
    from agencies.audit import Source, register

    from . import models as m

    by_area = {
        ("review", "Review"): lambda a: m.Review.history.filter(locality_id=a.pk),
        ("report", "Report"): lambda a: m.Report.history.filter(locality_id=a.pk),
        ("recommendation", "Recommendation"): lambda a: m.Recommendation.history.filter(locality_id=a.pk),
        ("response", "Response"): lambda a: m.Response.history.filter(recommendation__locality_id=a.pk),
        ("extension", "Extension"): lambda a: m.Extension.history.filter(recommendation__locality_id=a.pk),
        ("evidence-request", "Evidence request"): lambda a: m.EvidenceRequest.history.filter(review__locality_id=a.pk),
        ("priority", "Priority"): lambda a: m.Priority.history.filter(locality_id=a.pk),
        ("priority-action", "Priority action"): lambda a: m.PriorityAction.history.filter(priority__locality_id=a.pk),
        ("referral", "Referral"): lambda a: m.Referral.history.filter(priority__locality_id=a.pk),
        ("qsg-view", "QSG view"): lambda a: m.SurveillanceView.history.filter(locality_id=a.pk),
    }
    register(*(Source(key, label, rows) for (key, label), rows in by_area.items()))
