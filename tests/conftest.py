"""Shared fixtures: an area with its bodies and the three personas (STYLE.md, Tests).

- owner: an administrator of a body in the area (may do everything there);
- read_only: a read-only member of a body in the area;
- outsider: an administrator in another area (must see none of this one).
Also an officer of the area's Healthwatch, for rules that depend on which body holds a function.

Tests that need Redis or the browser skip when those are missing, except when
REQUIRE_SERVICES=1 (set by .ci/run): then they fail, so CI can never pass by skipping.
"""

from __future__ import annotations

import dataclasses
import os

import pytest

from agencies.models import Body, BodyArea, BodyKind, Locality, Role, User
from tests.factories import (
    STATUTORY_START,
    BodyFactory,
    LocalityFactory,
    MembershipFactory,
    UserFactory,
    hold,
)

# Lines a test wants shown at the end of the run, whatever the output capture (for example how
# many combinations the hostile-input suite tried).
RUN_SUMMARY: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    for line in RUN_SUMMARY:
        terminalreporter.write_line(line)


# Run in parallel (make test: pytest-xdist), each worker process keeps its own RUN_SUMMARY:
# a worker hands its lines to the main process, which prints them at the end.
def pytest_sessionfinish(session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["run_summary"] = list(RUN_SUMMARY)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    RUN_SUMMARY.extend(getattr(node, "workeroutput", {}).get("run_summary", []))


def worker_number() -> int:
    """This pytest-xdist worker's number (gw0 is 0; 0 without xdist)."""
    return int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def require_services() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def missing_service(reason: str):
    """Skip locally; fail in CI where every service must be present."""
    if require_services():
        pytest.fail(f"{reason} (REQUIRE_SERVICES is set, so this test may not skip)")
    pytest.skip(reason)


def redis_url() -> str:
    """The Redis the tests may use: TEST_REDIS_URL's database (15 by default) for the first
    worker process, and the databases below it for the others, so parallel workers never share
    a broker's keys."""
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    head, _, db = base.rpartition("/")
    if not db.isdigit() or not head.startswith("redis"):
        return base
    return f"{head}/{max(int(db) - worker_number(), 0)}"


def redis_reachable(url: str | None = None) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url or redis_url(), socket_connect_timeout=1).ping())
    except (OSError, redis.exceptions.RedisError):
        return False


@dataclasses.dataclass
class World:
    area: Locality
    other_area: Locality
    hwb: Body
    healthwatch: Body
    scrutiny: Body
    council: Body
    trust: Body
    other_council: Body
    owner: User
    officer: User
    read_only: User
    outsider: User
    icb: Body
    icb_officer: User
    scrutiny_officer: User
    board_member: User
    # Footprints (issue 12): the ICB also serves a second area; `multi` is another officer of
    # the ICB (one membership, a seat in each area it serves); `far_outsider` administers a
    # body serving only a third area.
    shared_area: Locality
    third_area: Locality
    multi: User
    far_outsider: User


def restore_reference_data() -> None:
    """Functions and duties come from a data migration; a transactional test's flush removes
    them, so put them back (idempotent) before building the world."""
    import importlib

    from django.apps import apps

    importlib.import_module("agencies.migrations.0002_functions_and_duties").seed(apps, None)
    importlib.import_module("agencies.migrations.0005_default_response_duties").seed(apps, None)
    importlib.import_module("agencies.migrations.0008_footprints").seed(apps, None)
    importlib.import_module("agencies.migrations.0009_duties_bind_bodies").seed(apps, None)
    importlib.import_module("agencies.migrations.0010_safeguarding_functions").seed(apps, None)
    importlib.import_module("agencies.migrations.0012_quality_surveillance_function").seed(apps, None)
    importlib.import_module("agencies.migrations.0016_function_parts").add_healthwatch_parts(apps, None)


@pytest.fixture
def world(db) -> World:
    restore_reference_data()
    area = LocalityFactory(name="Testshire", slug="testshire")
    other_area = LocalityFactory(name="Elsewhere", slug="elsewhere")
    hwb = BodyFactory(locality=area, name="Testshire Health and Wellbeing Board", kind=BodyKind.HWB)
    healthwatch = BodyFactory(locality=area, name="Healthwatch Testshire", kind=BodyKind.HEALTHWATCH)
    scrutiny = BodyFactory(locality=area, name="Testshire Scrutiny Committee", kind=BodyKind.SCRUTINY)
    council = BodyFactory(locality=area, name="Testshire Council", kind=BodyKind.COUNCIL)
    trust = BodyFactory(
        locality=area, name="Testshire Hospitals NHS Trust", kind=BodyKind.NHS_TRUST, service_type="hospital"
    )
    other_council = BodyFactory(locality=other_area, name="Elsewhere Council", kind=BodyKind.COUNCIL)
    from concerns.services import themes_ensure_defaults

    themes_ensure_defaults(locality=area)
    hold("hwb", hwb)
    hold("local_healthwatch", healthwatch)
    hold("health_scrutiny", scrutiny)
    hold("local_leadership", council)
    owner = MembershipFactory(body=council, role=Role.ADMINISTRATOR, user=UserFactory(full_name="Olivia Owner")).user
    officer = MembershipFactory(body=healthwatch, role=Role.OFFICER, user=UserFactory(full_name="Oscar Officer")).user
    read_only = MembershipFactory(body=hwb, role=Role.READ_ONLY, user=UserFactory(full_name="Rita Reader")).user
    outsider = MembershipFactory(
        body=other_council, role=Role.ADMINISTRATOR, user=UserFactory(full_name="Otto Outsider")
    ).user
    icb = BodyFactory(locality=area, name="NHS Testshire ICB", kind=BodyKind.ICB, contact_email="icb@example.org")
    icb_officer = MembershipFactory(body=icb, role=Role.OFFICER, user=UserFactory(full_name="Ivy Icb")).user
    scrutiny_officer = MembershipFactory(
        body=scrutiny, role=Role.OFFICER, user=UserFactory(full_name="Sara Scrutiny")
    ).user
    board_member = MembershipFactory(body=hwb, role=Role.MEMBER, user=UserFactory(full_name="Bea Board")).user
    shared_area = LocalityFactory(name="Sharedshire", slug="sharedshire")
    third_area = LocalityFactory(name="Farshire", slug="farshire")
    BodyArea.objects.create(body=icb, locality=shared_area, starts_on=STATUTORY_START)
    multi = MembershipFactory(body=icb, role=Role.OFFICER, user=UserFactory(full_name="Mo Many-Areas")).user
    for served in (area, shared_area):  # the ICB sits on the Quality Surveillance Group in both
        hold("quality_surveillance", icb, locality=served)
    far_council = BodyFactory(locality=third_area, name="Farshire Council", kind=BodyKind.COUNCIL)
    far_outsider = MembershipFactory(
        body=far_council, role=Role.ADMINISTRATOR, user=UserFactory(full_name="Fay Faraway")
    ).user
    return World(
        area, other_area, hwb, healthwatch, scrutiny, council, trust, other_council,
        owner, officer, read_only, outsider, icb, icb_officer, scrutiny_officer, board_member,
        shared_area, third_area, multi, far_outsider,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: a database reused from an earlier test (or a frozen
    clock's version number) must never find that test's cached dashboard or counts."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def broker_assumed_up():
    """Each test starts with the enqueue circuit closed (a test may have tripped it)."""
    from quality_system.jobs import mark_broker

    mark_broker(up=True)
    yield
    mark_broker(up=True)


@pytest.fixture
def login(client):
    def _login(user: User):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


def make_concern(w: World, **overrides):
    """A reviewed concern collected by the area's Healthwatch, with personal details."""
    import datetime

    from concerns import services
    from concerns.models import Theme

    services.themes_ensure_defaults(locality=w.area)
    details = services.ConcernDetails(
        received_on=overrides.pop("received_on", datetime.date(2026, 10, 1)),
        channel="phone",
        service_type="hospital",
        sentiment=overrides.pop("sentiment", "negative"),
        narrative=overrides.pop("narrative", "Waited six hours in A&E."),
        themes=list(Theme.all_objects.filter(locality=w.area, name="Waiting times")),
        service=overrides.pop("service", w.trust),
        status=overrides.pop("status", "reviewed"),
        **overrides,
    )
    return services.concern_log(
        locality=w.area,
        collecting_body=w.healthwatch,
        details=details,
        created_by=w.officer,
        contact={"name": "Pat Patient", "email": "pat@example.com", "consent_to_contact": True},
    )


def make_alert(w: World, **overrides):
    """An alert from the area's Healthwatch to the ICB and the scrutiny committee."""
    from concerns import alerts

    sent_on = overrides.pop("sent_on", None)
    details = alerts.AlertDetails(
        summary=overrides.pop("summary", "Long waits in A&E"),
        action_requested="Tell us what you will do about waits.",
        recipients=overrides.pop("recipients", [w.icb, w.scrutiny]),
        **overrides,
    )
    return alerts.alert_raise(
        locality=w.area, raised_by_body=w.healthwatch, raised_by=w.officer, details=details, sent_on=sent_on
    )


def make_recommendation(w: World, *, to=None, publish: bool = False, sent_on=None, duty="health-scrutiny-nhs"):
    """A recommendation from the scrutiny committee (to the ICB unless said otherwise)."""
    import datetime

    from agencies.models import ResponseDuty
    from reports.models import Review
    from reports.recommendations import services

    review = Review.objects.create(
        locality=w.area, kind="scrutiny_review", lead_body=w.scrutiny, topic="A&E waits", created_by=w.scrutiny_officer
    )
    report = services.report_create(
        locality=w.area,
        issuing_body=w.scrutiny,
        title="A&E waits",
        summary="We heard about long waits.",
        reference_prefix=f"HOSC-2026-{review.pk:02d}",
        review=review,
    )
    rec = services.recommendation_issue(
        report=report,
        text="Publish A&E waiting times weekly.",
        addressed_to=to or w.icb,
        duty=ResponseDuty.objects.get(code=duty, locality=None),
        sent_on=sent_on or datetime.date(2026, 11, 2),
    )
    if publish:
        services.report_publish(report=report, on=datetime.date(2026, 11, 3))
    return rec


def make_priority(w: World, *, figures=None, **overrides):
    """A board priority owned by the trust; with `figures`, a hand-entered monthly series ending
    last month (oldest first)."""
    import datetime

    from concerns.selectors import last_complete_month, month_starts
    from reports.board import services as board

    fields = {
        "title": "Waiting times in A&E",
        "why": "People wait too long.",
        "owner_body": w.trust,
        "status": "some_concerns",
        "measure": "manual" if figures else "none",
        "measure_name": "Patients waiting over 4 hours" if figures else "",
        "measure_theme": None,
        "measure_service": None,
        "better": "lower",
        "target": None,
        "agreed_on": datetime.date(2026, 4, 1),
        **overrides,
    }
    priority = board.priority_save(locality=w.area, user=w.board_member, **fields)
    if figures:
        from django.utils import timezone

        months = month_starts(last_complete_month(timezone.localdate()), len(figures))
        for month, value in zip(months, figures, strict=True):
            board.figure_record(priority=priority, user=w.board_member, month=month, value=value)
    return priority


def mirror_world(w: World) -> World:
    """The same world seen from the ICB's second area: that area's own board, Healthwatch,
    scrutiny committee, council and trust, with its own people in the same roles. The ICB and
    its officers (icb_officer, multi) are shared; Testshire becomes the mirror's second area.
    A page's kwargs built from the mirror make their records in the second area."""
    area = w.shared_area
    name = area.name
    hwb = BodyFactory(locality=area, name=f"{name} Health and Wellbeing Board", kind=BodyKind.HWB)
    healthwatch = BodyFactory(locality=area, name=f"Healthwatch {name}", kind=BodyKind.HEALTHWATCH)
    scrutiny = BodyFactory(locality=area, name=f"{name} Scrutiny Committee", kind=BodyKind.SCRUTINY)
    council = BodyFactory(locality=area, name=f"{name} Council", kind=BodyKind.COUNCIL)
    trust = BodyFactory(
        locality=area, name=f"{name} Hospitals NHS Trust", kind=BodyKind.NHS_TRUST, service_type="hospital"
    )
    from concerns.services import themes_ensure_defaults

    themes_ensure_defaults(locality=area)
    for code, body in (("hwb", hwb), ("local_healthwatch", healthwatch), ("health_scrutiny", scrutiny)):
        hold(code, body)
    hold("local_leadership", council)

    def person(body: Body, role: str, full_name: str) -> User:
        return MembershipFactory(body=body, role=role, user=UserFactory(full_name=full_name)).user

    return dataclasses.replace(
        w,
        area=area,
        other_area=w.other_area,
        hwb=hwb,
        healthwatch=healthwatch,
        scrutiny=scrutiny,
        council=council,
        trust=trust,
        owner=person(council, Role.ADMINISTRATOR, "Sam Shared-Owner"),
        officer=person(healthwatch, Role.OFFICER, "Sol Shared-Officer"),
        read_only=person(hwb, Role.READ_ONLY, "Sue Shared-Reader"),
        scrutiny_officer=person(scrutiny, Role.OFFICER, "Sid Shared-Scrutiny"),
        board_member=person(hwb, Role.MEMBER, "Sky Shared-Board"),
        shared_area=w.area,
    )
