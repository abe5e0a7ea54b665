"""Benchmark data for one busy area: concerns, services, recommendations and the board's
records, loaded in bulk (tests.benchmark.run calls these after setting up the environment)."""

from __future__ import annotations

import datetime
import random
import time


def serve_where_entered() -> None:
    """Every body without a footprint serves the area it was entered in (bulk loads skip the
    service that adds it)."""
    from agencies.models import Body, BodyArea

    BodyArea.objects.bulk_create(
        [
            BodyArea(body_id=pk, locality_id=area, starts_on=datetime.date(2013, 4, 1))
            for pk, area in Body.objects.filter(footprint__isnull=True).values_list("pk", "locality_id")
        ],
        batch_size=5000,
    )


def analyse() -> None:
    """Fresh planner statistics after a bulk load, as autovacuum gives a real database soon
    after such a change (without them the planner takes a new table for empty)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def seed(concerns: int, services: int) -> tuple[str, dict]:
    """Fill the benchmark database (once per size) and return a signed-in session key."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection

    from agencies.models import Body, BodyKind, Function, FunctionHolding, Locality, Membership, Role, User
    from concerns.models import Concern, ConcernTheme, Theme
    from concerns.services import themes_ensure_defaults

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    locality, _ = Locality.objects.get_or_create(slug="benchshire", defaults={"name": "Benchshire"})
    themes_ensure_defaults(locality=locality)
    healthwatch, _ = Body.objects.get_or_create(
        locality=locality,
        name="Healthwatch Benchshire",
        defaults={"kind": BodyKind.HEALTHWATCH, "contact_email": "hw@example.org"},
    )
    FunctionHolding.objects.get_or_create(
        function=Function.objects.get(code="local_healthwatch"),
        body=healthwatch,
        locality=locality,
        defaults={"starts_on": datetime.date(2013, 4, 1)},
    )
    user = User.objects.filter(email="bench@example.org").first() or User.objects.create_user(
        email="bench@example.org", full_name="Bench Officer", password="bench-password-123"
    )
    Membership.objects.get_or_create(user=user, body=healthwatch, defaults={"role": Role.OFFICER})
    have = Concern.all_objects.filter(locality=locality).count()
    if have != concerns:
        print(f"[bench] seeding {concerns:,} concerns and {services:,} services (had {have:,})", flush=True)
        started = time.monotonic()
        ConcernTheme.objects.filter(locality=locality).delete()
        Concern.all_objects.filter(locality=locality).delete()
        existing = Body.objects.filter(locality=locality, kind=BodyKind.PROVIDER).count()
        Body.objects.bulk_create(
            [
                Body(
                    locality=locality,
                    name=f"Service {i:05d}",
                    kind=BodyKind.PROVIDER,
                    contact_email=f"s{i}@example.org",
                    service_type="gp",
                )
                for i in range(existing, services)
            ],
            batch_size=5000,
        )
        service_ids = list(Body.objects.filter(locality=locality, kind=BodyKind.PROVIDER).values_list("pk", flat=True))
        theme_ids = list(Theme.all_objects.filter(locality=locality).values_list("pk", flat=True))
        rng = random.Random(1)  # noqa: S311 - benchmark data
        start = datetime.date.today() - datetime.timedelta(days=3650)
        words = [
            "waited",
            "appointment",
            "rude",
            "kind",
            "discharge",
            "pharmacy",
            "dentist",
            "ambulance",
            "letter",
            "phone",
            "nurse",
            "doctor",
        ]
        batch = 5000
        for first in range(0, concerns, batch):
            rows = [
                Concern(
                    locality=locality,
                    collecting_body=healthwatch,
                    received_on=start + datetime.timedelta(days=rng.randrange(3650)),
                    channel="phone",
                    service_id=rng.choice(service_ids),
                    service_type="gp",
                    sentiment=rng.choice(["positive", "negative", "mixed", "neutral"]),
                    severity=rng.randrange(6),
                    narrative=" ".join(rng.choice(words) for _ in range(25)),
                    status="reviewed",
                )
                for _ in range(min(batch, concerns - first))
            ]
            created = Concern.all_objects.bulk_create(rows, batch_size=batch)
            ConcernTheme.objects.bulk_create(
                [
                    ConcernTheme(concern_id=c.pk, theme_id=t, locality_id=locality.pk, received_on=c.received_on)
                    for c in created
                    for t in rng.sample(theme_ids, 3)
                ],
                batch_size=batch * 3,
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(f"[bench] seeded in {time.monotonic() - started:.0f} s", flush=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sizes = {
        "concerns": Concern.all_objects.filter(locality=locality).count(),
        "theme tags": ConcernTheme.objects.filter(locality=locality).count(),
        "services": len(Body.objects.filter(locality=locality, kind=BodyKind.PROVIDER).values_list("pk")),
        "database": connection.vendor,
    }
    serve_where_entered()
    return session.session_key, sizes


def seed_recommendations(locality_slug: str, count: int, *, localities: int = 1, home_count: int | None = None) -> int:
    """`count` recommendations in total: in the named area, or spread over `localities` areas
    with `home_count` in the named one (so its pages compare like for like). Reused when the
    total already matches."""
    import datetime

    from django.db import connection

    from agencies.models import Body, BodyKind, Locality, ResponseDuty
    from reports.models import Recommendation, Report, Response

    home_count = count if home_count is None or localities == 1 else home_count
    # What a load of this size writes: the home area's, and the rest split evenly.
    expected = home_count + (count - home_count) // max(localities - 1, 1) * (localities - 1)
    if Recommendation.objects.count() == expected:
        return expected
    started = time.monotonic()
    # Straight in SQL: deleting through the ORM would write a history row (and send a signal)
    # for each of up to 250,000 recommendations.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE reports_response, reports_recommendation, reports_report CASCADE")
        else:  # SQLite has no TRUNCATE
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in ("reports_response", "reports_recommendation", "reports_report"):
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("PRAGMA foreign_keys = ON")
    duty = ResponseDuty.objects.get(code="health-scrutiny-nhs", locality=None)
    home = Locality.objects.get(slug=locality_slug)
    areas = [home] + [
        Locality.objects.get_or_create(slug=f"area-{i:03d}", defaults={"name": f"Area {i:03d}"})[0]
        for i in range(1, localities)
    ]
    per_area = (count - home_count) // max(len(areas) - 1, 1)
    today = datetime.date.today()
    for n, area in enumerate(areas):
        committee, _ = Body.objects.get_or_create(
            locality=area,
            name=f"{area.name} Health Scrutiny Committee",
            defaults={"kind": BodyKind.SCRUTINY, "contact_email": "osc@example.org"},
        )
        providers = list(Body.objects.filter(locality=area, kind=BodyKind.PROVIDER)[:20]) or [committee]
        size = home_count if n == 0 else per_area
        # Reports of ten recommendations each, as committees write them.
        reports = Report.objects.bulk_create(
            Report(
                locality=area,
                issuing_body=committee,
                title=f"Review {n}-{k}",
                summary="Findings.",
                reference_prefix=f"R{n}-{k}",
                published_on=today - datetime.timedelta(days=30 + k),
            )
            for k in range((size + 9) // 10)
        )
        recs = Recommendation.objects.bulk_create(
            [
                Recommendation(
                    locality=area,
                    report=reports[i // 10],
                    reference=f"R{n}-{i}",
                    text="Improve access.",
                    addressed_to=providers[i % len(providers)],
                    duty=duty,
                    sent_on=today - datetime.timedelta(days=i % 400),
                    due_on=today - datetime.timedelta(days=i % 400 - 28),
                    due_explanation="28 days",
                    state="responded" if i % 3 == 0 else "awaiting",
                )
                for i in range(size)
            ],
            batch_size=5000,
        )
        Response.objects.bulk_create(
            [
                Response(recommendation=r, decision="accepted", responded_on=r.sent_on, answered_by_name="x")
                for r in recs
                if r.state == "responded"
            ],
            batch_size=5000,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"[bench] {count:,} recommendations in {len(areas)} areas seeded in {time.monotonic() - started:.0f} s",
        flush=True,
    )
    serve_where_entered()
    return expected


def seed_board(slug: str, user_email: str, *, priorities: int = 20, alerts: int = 1_000) -> dict:
    """The board's records for one area: its HWB and scrutiny committee (the benchmark user sits
    on both), priorities with two years of figures, updates and actions, alerts with their
    recipients, and the Quality Surveillance Group's views. Then the area's monthly counts.
    Reused when the area already has priorities."""
    from agencies.models import (
        Body,
        BodyKind,
        Function,
        FunctionHolding,
        Locality,
        Membership,
        ResponseDuty,
        Role,
        User,
    )
    from concerns import summaries
    from concerns.models import Alert, AlertRecipient, Theme
    from reports.models import Priority, PriorityAction, PriorityFigure, PriorityUpdate, SurveillanceView

    locality = Locality.objects.get(slug=slug)
    user = User.objects.get(email=user_email)
    hwb, _ = Body.objects.get_or_create(
        locality=locality, name=f"{locality.name} Health and Wellbeing Board", defaults={"kind": BodyKind.HWB}
    )
    committee, _ = Body.objects.get_or_create(
        locality=locality,
        name=f"{locality.name} Health Scrutiny Committee",
        defaults={"kind": BodyKind.SCRUTINY, "contact_email": "osc@example.org"},
    )
    for code, body in (("hwb", hwb), ("health_scrutiny", committee)):
        FunctionHolding.objects.get_or_create(
            function=Function.objects.get(code=code),
            body=body,
            locality=locality,
            defaults={"starts_on": datetime.date(2013, 4, 1)},
        )
        Membership.objects.get_or_create(user=user, body=body, defaults={"role": Role.OFFICER})
    first = Priority.objects.filter(locality=locality).order_by("pk").first()
    if first is not None:
        serve_where_entered()
        return {"priority": first.pk}
    today = datetime.date.today()
    themes = list(Theme.all_objects.filter(locality=locality).order_by("pk"))
    providers = list(Body.objects.filter(locality=locality, kind=BodyKind.PROVIDER).order_by("pk")[:50])
    made = Priority.objects.bulk_create(
        Priority(
            locality=locality,
            title=f"Priority {i + 1}",
            why="Why it matters to local people.",
            owner_body=providers[i % len(providers)],
            status=["on_track", "some_concerns", "off_track"][i % 3],
            measure="theme" if i % 2 == 0 else "manual",
            measure_name=f"Figure {i + 1}",
            measure_theme=themes[i % len(themes)] if i % 2 == 0 else None,
            better="lower",
            target=40 if i % 4 == 0 else None,
            agreed_on=today - datetime.timedelta(days=400),
            created_by=user,
        )
        for i in range(priorities)
    )
    rng = random.Random(2)  # noqa: S311 - benchmark data
    months = []
    month = today.replace(day=1)
    for _ in range(24):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    PriorityFigure.objects.bulk_create(
        PriorityFigure(priority=p, month=m, value=rng.randrange(20, 60), recorded_by=user)
        for p in made
        if p.measure == "manual"
        for m in months
    )
    PriorityUpdate.objects.bulk_create(
        PriorityUpdate(priority=p, status=p.status, progress=f"Update {k}.", recorded_by=user)
        for p in made
        for k in range(10)
    )
    PriorityAction.objects.bulk_create(
        PriorityAction(
            priority=p,
            action=f"Action {k}",
            owner_body=p.owner_body,
            due_on=today + datetime.timedelta(days=30 * k - 60),
            created_by=user,
        )
        for p in made
        for k in range(5)
    )
    SurveillanceView.objects.bulk_create(
        SurveillanceView(
            locality=locality,
            provider=providers[i % len(providers)],
            level=["routine", "enhanced", "risk_summit"][i % 3],
            decided_on=today - datetime.timedelta(days=18 * i),
            summary="The group's view.",
            recorded_by=user,
        )
        for i in range(200)
    )
    healthwatch = Body.objects.filter(locality=locality, kind=BodyKind.HEALTHWATCH).first()
    ack = ResponseDuty.objects.filter(code__startswith="alert-").first()
    made_alerts = Alert.all_objects.bulk_create(
        Alert(
            locality=locality,
            raised_by_body=healthwatch,
            raised_by=user,
            summary=f"Alert {i}",
            action_requested="Act.",
            sent_on=today - datetime.timedelta(days=(i * 3) % 3650),
        )
        for i in range(alerts)
    )
    AlertRecipient.objects.bulk_create(
        AlertRecipient(
            alert=a,
            body=body,
            duty=ack,
            due_on=a.sent_on + datetime.timedelta(days=7),
            due_explanation="5 working days",
            state="sent" if i % 5 == 0 else "acknowledged",
        )
        for i, a in enumerate(made_alerts)
        for body in (committee, hwb)
    )
    state = summaries.state_for(locality.pk)
    if state is None or state.is_stale or state.refreshed_at is None:
        summaries.refresh(locality.pk)
    serve_where_entered()
    analyse()
    return {"priority": made[0].pk}
