from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "concerns"
    verbose_name = "Concerns and alerts"

    def ready(self) -> None:
        from agencies import open_work
        from agencies.audit import Source, register

        from .models import Alert, AlertRecipient, SafeguardingReferral, SubmissionDecision
        from .open_work import alerts_unacknowledged
        from .transfer_models import DetailsTransfer, SealDestruction, SealRetention

        register(
            Source("alert", "Alert", lambda a: Alert.history.filter(locality_id=a.pk)),
            Source(
                "alert-recipient",
                "Alert acknowledgement",
                lambda a: AlertRecipient.history.filter(alert__locality_id=a.pk),
            ),
            Source(
                "safeguarding-referral",
                "Safeguarding referral",
                lambda a: SafeguardingReferral.history.filter(concern__locality_id=a.pk),
            ),
            Source(
                "submission-decision",
                "Decision on an experience shared online",
                lambda a: SubmissionDecision.history.filter(locality_id=a.pk),
            ),
            Source(
                "details-transfer",
                "Transfer of people's details",
                lambda a: DetailsTransfer.history.filter(locality_id=a.pk),
            ),
            Source(
                "seal-retention",
                "How long sealed details are kept",
                lambda a: SealRetention.history.filter(locality_id=a.pk),
            ),
            Source(
                "seal-destruction",
                "Sealed details destroyed",
                lambda a: SealDestruction.history.filter(locality_id=a.pk),
            ),
        )
        open_work.register(alerts_unacknowledged)
        from .handover import register_kinds

        register_kinds()
        from .selection_views import register_actions

        register_actions()
