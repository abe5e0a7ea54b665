"""Build a realistic fictional area to explore the service: `python manage.py seed_demo`.

Idempotent: running it again changes nothing that is already there. It refuses to run when
DEBUG is off (a production database) unless --force is given. Each app seeds its own part.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agencies import demo as agencies_demo
from agencies import handover_demo
from concerns import demo as concerns_demo
from reports import demo as reports_demo
from reports import handover_demo as report_handover_demo
from reports.models import Recommendation


class Command(BaseCommand):
    help = (
        "Create a fictional demo area (Northmoor) with bodies, people, a partly filled checklist "
        "and a year and a half of experiences."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. Never use this on a live database.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this may be a live database. seed_demo adds demo people with a "
                "published password. Run it with DEBUG=true, or add --force if you are sure."
            )
        with transaction.atomic():
            area = agencies_demo.seed()
            concerns = concerns_demo.seed(area)
            alerts = concerns_demo.seed_alerts(area)
            recommendations = reports_demo.seed(area)
            priorities = reports_demo.seed_board(area)
            reports_demo.seed_joint(area)
            reports_demo.seed_lifecycle(area)
            reports_demo.seed_programmes(area)
            reports_demo.seed_referrals(area)
            report_handover_demo.seed_owed_evidence(area)
            report_handover_demo.seed_hear_back(area)
            handover_demo.seed(area)
            recommendations = Recommendation.objects.exclude(state=Recommendation.State.DRAFT).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo area ready: {len(area.bodies)} bodies, {len(area.people)} people and "
                f"{concerns:,} experiences, {alerts} alerts, {recommendations} recommendations and "
                f"{priorities} board priorities. "
                f"Sign in as admin@{agencies_demo.DEMO_DOMAIN} with the password "
                f"{agencies_demo.DEMO_PASSWORD} (see README for every demo account)."
            )
        )
