"""'Track your experience': the public "what happened" page for a person's reference.

It shows a de-identified trail (dates, states and body names), never anyone's words; it is
rate-limited per network address, not kept by browsers nor indexed, and a reference that is
unknown or not a reference at all gets the same answer."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Locality
from concerns import alerts, person_references, services
from concerns.models import Concern
from reports.board import services as board
from reports.recommendations import services as recommendation_services
from tests.conftest import make_alert, make_concern, make_priority, make_recommendation

pytestmark = pytest.mark.django_db

NARRATIVE = "Waited six hours in A&E with my mother Edna."
SUMMARY = "A long wait in the emergency department."
PLAN = "We will publish waiting times every week from January."


def _page(client, ref: str) -> str:
    response = client.get(reverse("public-track-reference", args=[ref]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _concern_with_summary(world, **overrides) -> Concern:
    concern = make_concern(world, narrative=NARRATIVE, **overrides)
    return services.summary_approve(concern=concern, text=SUMMARY, user=world.officer)


def _cite_everywhere(world, concern: Concern) -> None:
    """An alert (acknowledged by the ICB), a published report whose recommendation was accepted,
    and a board priority with an action done, all citing the experience."""
    alert = make_alert(world, concerns=[concern])
    alerts.alert_acknowledge(recipient=alert.recipients.get(body=world.icb), user=world.icb_officer)
    rec = make_recommendation(world, publish=True)
    rec.report.review.concerns.add(concern)
    recommendation_services.response_record(
        recommendation=rec, decision="accepted", reasons="", action_plan=PLAN, target_date=None, name="Ivy Icb",
        user=world.icb_officer,
    )  # fmt: skip
    priority = make_priority(world)
    board.thread_link(priority=priority, alerts=[alert])
    action = board.action_add(
        priority=priority, user=world.board_member, action="Open a second triage room", owner_body=world.trust,
        due_on=datetime.date.today() + datetime.timedelta(days=30),
    )  # fmt: skip
    board.action_done(action=action, on=datetime.date.today())


def test_the_trail_shows_what_happened_without_anyones_words(world, client):
    concern = _concern_with_summary(world)
    _cite_everywhere(world, concern)
    rec = concern.reviews.get().reports.get().recommendations.get()
    text = _page(client, concern.person_reference.reference)
    for shown in (
        "What happened to your experience",
        "October 2026",
        "Healthwatch Testshire received your experience.",
        "Healthwatch Testshire reviewed it.",
        "Healthwatch Testshire alerted NHS Testshire ICB and Testshire Scrutiny Committee about it.",
        "NHS Testshire ICB acknowledged the alert.",
        "Testshire Scrutiny Committee included it in a scrutiny review.",
        "3 November 2026",
        "Testshire Scrutiny Committee published a report.",
        "Testshire Scrutiny Committee made a recommendation to NHS Testshire ICB.",
        "NHS Testshire ICB accepted the recommendation.",
        "The health and wellbeing board for Testshire counts it in one of its priorities, led by Testshire Hospitals",
        "Testshire Hospitals NHS Trust finished an action on that priority.",
    ):
        assert shown in text
    assert reverse("public-report", args=[world.area.slug, rec.report_id]) in text
    for hidden in (
        NARRATIVE, "Edna", SUMMARY, "long wait", PLAN, rec.text, "Long waits in A&E",
        "Tell us what you will do about waits", "Waiting times in A&E", "People wait too long",
        "Open a second triage room", "Pat Patient", "Oscar Officer", "Ivy Icb", "Bea Board", "pat@example.com",
    ):  # fmt: skip
        assert hidden not in text


def test_an_unpublished_report_and_its_recommendations_stay_off_the_trail(world, client):
    concern = make_concern(world)
    rec = make_recommendation(world)
    rec.report.review.concerns.add(concern)
    text = _page(client, concern.person_reference.reference)
    assert "included it in a scrutiny review" in text
    assert "published a report" not in text and "made a recommendation" not in text


def test_a_safeguarding_concerns_trail_shows_only_that_it_was_received_and_closed(world, client):
    concern = _concern_with_summary(world, safeguarding=True)
    make_alert(world, concerns=[concern], safeguarding=True)
    ref = concern.person_reference.reference
    text = _page(client, ref)
    assert "Healthwatch Testshire received your experience." in text
    for hidden in ("reviewed it", "alerted", "NHS Testshire ICB", "closed it", NARRATIVE, SUMMARY):
        assert hidden not in text
    concern.status, concern.closed_reason = "closed", "Passed to the safeguarding team"
    concern.save()
    text = _page(client, ref)
    assert "Healthwatch Testshire closed it." in text
    assert "safeguarding team" not in text and "alerted" not in text


def test_the_trail_makes_the_same_queries_for_one_citation_or_many(world):
    def queries(concern) -> int:
        with CaptureQueriesContext(connection) as captured:
            _page(Client(), concern.person_reference.reference)
        return len(captured)

    one = make_concern(world)
    _cite_everywhere(world, one)
    many = make_concern(world)
    for _ in range(4):
        _cite_everywhere(world, many)
    assert queries(one) == queries(many)


# ---------------------------------------------------------------- finding it


def _without_noise(response, typed: str) -> str:
    text = response.content.decode()
    assert f'value="{html.escape(typed)}"' in text  # what was typed is kept, to correct it
    text = text.replace(f'value="{html.escape(typed)}"', 'value="TYPED"')
    return re.sub(r'nonce="[^"]*"', "", text)


def test_unknown_mistyped_and_malformed_references_get_the_same_answer(world, client):
    make_concern(world)
    unknown = person_references.new_reference(Locality(name="Testshire"))
    answers = []
    for typed in (unknown, "hello", "TS-4K7Q-2", "<b>x"):
        for response in (
            client.get(reverse("public-track"), {"reference": typed}),
            client.get(reverse("public-track-reference", args=[typed])),
        ):
            assert response.status_code == 404
            assert "We could not find that reference" in response.content.decode()
            answers.append(_without_noise(response, typed))
    assert len(set(answers)) == 1


def test_a_malformed_reference_costs_the_same_query_as_an_unknown_one(world, client):
    counts = []
    for typed in ("TS-0000-00", "hello"):
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("public-track-reference", args=[typed]))
        counts.append(len(captured))
    assert counts[0] == counts[1] == 1


def test_the_form_takes_a_reference_however_it_is_typed_and_keeps_what_was_typed(world, client):
    ref = make_concern(world).person_reference.reference
    response = client.get(reverse("public-track"), {"reference": f"  {ref.lower().replace('-', ' ')} "})
    assert response.status_code == 302 and response["Location"] == reverse("public-track-reference", args=[ref])
    wrong = client.get(reverse("public-track"), {"reference": "NR-4K7Q-2X"})
    assert 'value="NR-4K7Q-2X"' in wrong.content.decode()


def test_lookups_are_rate_limited_per_network_address(world, client, settings):
    settings.PUBLIC_TRACK_RATE = "3/10m"
    ref = make_concern(world).person_reference.reference
    url = reverse("public-track-reference", args=[ref])
    for _ in range(3):
        assert client.get(url, REMOTE_ADDR="203.0.113.5").status_code == 200
    refused = client.get(url, REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 429
    assert "You have looked up several references recently" in refused.content.decode()
    assert "try again in 10 minutes" in refused.content.decode()
    assert client.get(reverse("public-track"), {"reference": ref}, REMOTE_ADDR="203.0.113.5").status_code == 429
    assert client.get(reverse("public-track"), {"reference": "nonsense"}, REMOTE_ADDR="203.0.113.5").status_code == 429
    assert client.get(reverse("public-track"), REMOTE_ADDR="203.0.113.5").status_code == 200  # the empty form
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 200  # another address is unaffected


def test_track_pages_are_not_stored_or_indexed(world, client):
    ref = make_concern(world).person_reference.reference
    for response in (
        client.get(reverse("public-track")),
        client.get(reverse("public-track-reference", args=[ref])),
        client.get(reverse("public-track-reference", args=["TS-0000-00"])),
    ):
        assert "no-store" in response["Cache-Control"]
        assert "noindex" in response["X-Robots-Tag"]
