"""Issue 12's "Done means", tried on the demo as a new user would.

Bodies span areas, records do not: the demo's ICB (and its main trust) serve Northmoor and
Eastvale. The ICB's officer has one membership, reaches both areas and finds its work in each,
labelled by area. A Northmoor scrutiny officer reaches nothing of Eastvale, and Eastvale's people
nothing of Northmoor: every Eastvale page answers 404, and no list shows the other area's concerns,
alerts, reviews, recommendations or priorities, even to the ICB's officer on the wrong area's page.
"""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from agencies.models import Body, Locality, Membership, ResponseDuty, User
from concerns.models import Alert, Concern, Theme
from reports.models import Priority, Recommendation, Report, Review
from tests.test_permission_matrix import AREA_KINDS, MATRIX

pytestmark = pytest.mark.slow  # each test seeds the whole demo

ICB = "NHS Northmoor and Eastvale Integrated Care Board"
DEMO = "@demo.example"
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def person(local_part: str) -> User:
    return User.objects.get(email=f"{local_part}{DEMO}")


def url_kwargs(resolver=None, namespace: str = "", outer: frozenset = frozenset()) -> dict[str, frozenset]:
    """Every URL name with the names of its keyword arguments (those of an include's prefix too)."""
    resolver = resolver or get_resolver()
    found: dict[str, frozenset] = {}
    for pattern in resolver.url_patterns:
        names = outer | frozenset(getattr(pattern.pattern, "converters", {}))
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.update(url_kwargs(pattern, inner, names))
        elif isinstance(pattern, URLPattern) and pattern.name:
            found[f"{namespace}{pattern.name}"] = names
    return found


def area_urls(slug: str, pk: int = 1) -> list[str]:
    """Every area page of MATRIX in one area (any id: the area is decided first)."""
    kwargs = url_kwargs()
    return [
        reverse(name, kwargs={key: slug if key == "slug" else pk for key in kwargs[name]})
        for name, page in MATRIX.items()
        if page.kind in AREA_KINDS
    ]


def list_urls(slug: str, *, yours: bool = True) -> list[str]:
    """The area's pages that need nothing but the area (lists, dashboards, downloads), and
    with `yours` the person's own pages across their areas (home, messages)."""
    kwargs = url_kwargs()
    urls = [
        reverse(name, kwargs={"slug": slug})
        for name, page in MATRIX.items()
        if page.kind in AREA_KINDS and kwargs[name] == {"slug"}
    ] + [reverse("concerns:alerts", args=[slug]) + "?box=all"]
    return urls + [reverse("home"), reverse("inbox")] if yours else urls


def eastvale_records() -> dict[str, object]:
    """A concern, an alert, a review with a published report and a recommendation to the ICB,
    and a priority, all in Eastvale, made by Eastvale's people."""
    from concerns import alerts
    from concerns import services as concern_services
    from reports.board import services as board
    from reports.recommendations import services

    eastvale = Locality.objects.get(slug="eastvale")
    healthwatch = Body.objects.get(name="Healthwatch Eastvale")
    scrutiny = Body.objects.get(name="Eastvale Health Scrutiny Committee")
    icb = Body.objects.get(name=ICB)
    concern_services.themes_ensure_defaults(locality=eastvale)
    concern = concern_services.concern_log(
        locality=eastvale,
        collecting_body=healthwatch,
        details=concern_services.ConcernDetails(
            received_on=timezone.localdate() - datetime.timedelta(days=3),
            channel="phone",
            service_type="gp",
            sentiment="negative",
            narrative="Eastvale-only story: no appointment at Eastvale Medical Group for five weeks.",
            themes=list(Theme.all_objects.filter(locality=eastvale, name="Access")),
            service=Body.objects.get(name="Eastvale Medical Group"),
            status="reviewed",
        ),
        created_by=person("eastvale.healthwatch"),
        contact=None,
    )
    alert = alerts.alert_raise(
        locality=eastvale,
        raised_by_body=healthwatch,
        raised_by=person("eastvale.healthwatch"),
        details=alerts.AlertDetails(
            summary="Eastvale-only alert: GP access in Eastvale",
            action_requested="Tell us what you will do.",
            recipients=[icb, scrutiny],
        ),
    )
    review = services.review_create(
        locality=eastvale, lead_body=scrutiny, created_by=person("eastvale.scrutiny"), topic="Eastvale-only review"
    )
    report = services.report_create(
        locality=eastvale,
        issuing_body=scrutiny,
        review=review,
        title="Eastvale-only report",
        summary="What Eastvale heard.",
        reference_prefix="EHSC-01",
    )
    recommendation = services.recommendation_issue(
        report=report,
        text="Eastvale-only recommendation: open a Saturday clinic.",
        addressed_to=icb,
        duty=ResponseDuty.objects.get(code="health-scrutiny-nhs", locality=None),
        sent_on=timezone.localdate() - datetime.timedelta(days=5),
    )
    services.report_publish(report=report, on=timezone.localdate())
    priority = board.priority_save(
        locality=eastvale,
        user=person("eastvale.admin"),
        title="Eastvale-only priority",
        why="Eastvale's board chose it.",
        owner_body=icb,
        status="some_concerns",
        measure="none",
        agreed_on=timezone.localdate(),
    )
    return {
        "concerns:detail": concern,
        "concerns:alert-detail": alert,
        "reports:review": review,
        "reports:report": report,
        "reports:recommendation": recommendation,
        "reports:priority": priority,
    }


def texts_of(slug: str) -> list[str]:
    """What would give an area's records away on a page: their titles, summaries and words.
    (A joint committee's work concerns several areas and belongs in each: it is left out.)"""
    reviews = Review.objects.filter(locality__slug=slug).annotate(n=Count("areas")).filter(n=1)
    reports = Report.objects.filter(locality__slug=slug).annotate(n=Count("areas")).filter(n=1)
    return [
        *reviews.values_list("topic", flat=True),
        *reports.values_list("title", flat=True),
        *Recommendation.objects.filter(locality__slug=slug, report__in=reports).values_list("text", flat=True),
        *Priority.objects.filter(locality__slug=slug).values_list("title", flat=True),
        *Alert.all_objects.filter(locality__slug=slug).values_list("summary", flat=True),
        *Concern.all_objects.filter(locality__slug=slug).values_list("narrative", flat=True),
    ]


def shown(client, urls: list[str], texts: list[str]) -> dict[str, list[str]]:
    """The texts each page that opens shows (read as a person sees them, entities decoded)."""
    seen = {}
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        page = html.unescape(body.decode(errors="replace"))
        hits = [text for text in texts if text in page]
        if hits:
            seen[url] = hits
    return seen


MODELS = (Concern.all_objects, Alert.all_objects, Review.objects, Recommendation.objects, Priority.objects)


def own_records(queryset, slug: str):
    """The records of one area alone (a joint committee's work concerns several areas, and is
    read in each of them by design)."""
    records = queryset.filter(locality__slug=slug)
    if records.model is Review:
        return records.annotate(n=Count("areas")).filter(n=1)
    if records.model is Recommendation:
        return records.annotate(n=Count("report__areas")).filter(n=1)
    return records


@pytest.fixture
def demo(db):
    with override_settings(DEBUG=True):
        call_command("seed_demo")
    return eastvale_records()


def test_the_icbs_officer_has_one_seat_and_finds_the_icbs_work_in_both_areas_labelled_by_area(demo, client):
    officer = person("icb.officer")
    icb = Body.objects.get(name=ICB)
    assert Membership.objects.filter(user=officer).count() == 1
    client.force_login(officer, backend=SIGN_IN_BACKEND)
    page = client.get(reverse("home")).content.decode()
    # One card for the ICB, naming both areas, leading to its work across them.
    assert "Eastvale, Northmoor · Officer" in page
    assert f'href="{reverse("bodies:work", args=[icb.pk])}"' in page
    for area in ("northmoor", "eastvale"):
        assert client.get(reverse("reports:recommendations", args=[area])).status_code == 200
    # Each area's tracker shows that area's recommendations to the ICB, and only those.
    eastvale_rec = demo["reports:recommendation"]
    northmoor_recs = Recommendation.objects.filter(locality__slug="northmoor", addressed_to=icb)
    assert northmoor_recs.exists()
    eastvale_tracker = client.get(reverse("reports:recommendations", args=["eastvale"]) + f"?body={icb.pk}")
    northmoor_tracker = client.get(reverse("reports:recommendations", args=["northmoor"]) + f"?body={icb.pk}")
    assert eastvale_rec.text in eastvale_tracker.content.decode()
    assert eastvale_rec.text not in northmoor_tracker.content.decode()
    for rec in northmoor_recs:
        assert rec.text in html.unescape(northmoor_tracker.content.decode())
        assert rec.text not in html.unescape(eastvale_tracker.content.decode())


def test_a_shared_body_is_no_way_into_the_other_areas_records(demo, client):
    """The ICB's officer reaches both areas, but an Eastvale record asked for under Northmoor's
    address is not found (and the other way round)."""
    client.force_login(person("icb.officer"), backend=SIGN_IN_BACKEND)
    for name, record in demo.items():
        assert client.get(reverse(name, args=["eastvale", record.pk])).status_code == 200, name
        assert client.get(reverse(name, args=["northmoor", record.pk])).status_code == 404, name
    northmoor_rec = Recommendation.objects.filter(locality__slug="northmoor").first()
    assert client.get(reverse("reports:recommendation", args=["eastvale", northmoor_rec.pk])).status_code == 404
    # Nor does either area's list show the other's records to the ICB's officer (their
    # messages, across both areas, do).
    assert shown(client, list_urls("northmoor", yours=False), texts_of("eastvale")) == {}
    assert shown(client, list_urls("eastvale", yours=False), texts_of("northmoor")) == {}


def test_a_northmoor_scrutiny_officer_sees_nothing_of_eastvale_and_eastvales_people_nothing_of_northmoor(demo, client):
    eastvale_texts, northmoor_texts = texts_of("eastvale"), texts_of("northmoor")
    assert len(northmoor_texts) > 100
    # Eastvale's own people see their records (so the checks below can see a leak).
    client.force_login(person("eastvale.scrutiny"), backend=SIGN_IN_BACKEND)
    seen = {text for hits in shown(client, list_urls("eastvale"), eastvale_texts).values() for text in hits}
    assert {"Eastvale-only review", "Eastvale-only priority", "Eastvale-only alert: GP access in Eastvale"} <= seen
    assert demo["reports:recommendation"].text in seen

    scrutiny = person("scrutiny.officer")
    client.force_login(scrutiny, backend=SIGN_IN_BACKEND)
    refused = {url: client.get(url).status_code for url in area_urls("eastvale")}
    assert set(refused.values()) == {404}, {url: status for url, status in refused.items() if status != 404}
    for name, record in demo.items():
        assert client.get(reverse(name, args=["eastvale", record.pk])).status_code == 404
    assert shown(client, list_urls("northmoor"), eastvale_texts) == {}
    for model in MODELS:
        assert not own_records(model.for_user(scrutiny), "eastvale").exists(), model.model

    for local_part in ("eastvale.scrutiny", "eastvale.healthwatch", "eastvale.admin"):
        someone = person(local_part)
        client.force_login(someone, backend=SIGN_IN_BACKEND)
        assert shown(client, list_urls("eastvale"), northmoor_texts) == {}, local_part
        assert {client.get(url).status_code for url in area_urls("northmoor")} == {404}, local_part
        for model in MODELS:
            assert not own_records(model.for_user(someone), "northmoor").exists(), (local_part, model.model)
