"""Faults a hostile-input probe found (issue 11, items 1, 5, 7 and 12): each test failed before
its fix."""

from __future__ import annotations

import datetime
import logging
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from agencies.links import link_issue
from agencies.models import Body
from reports.recommendations import services
from tests.conftest import make_concern, make_recommendation

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_summaries(client, world) -> list[str]:
    """What a feed reader gets after XML decoding: HTML it will render, for type="html"."""
    root = ET.fromstring(client.get(reverse("public-feed", args=[world.area.slug])).content)
    return [(s.get("type"), s.text or "") for s in root.iter(f"{ATOM}summary")]


def test_the_feed_shows_markup_in_a_response_as_text_never_as_live_html(world, client):
    rec = make_recommendation(world, publish=True)
    services.response_record(
        recommendation=rec,
        decision="accepted",
        reasons="",
        action_plan='<img src=x onerror=alert(1)> <a href="javascript:alert(2)">plan</a>',
        target_date=None,
        name="CEO",
        responded_on=datetime.date(2026, 11, 20),
    )
    summaries = feed_summaries(client, world)
    response_summary = next(text for kind, text in summaries if "onerror" in text)
    kind = next(kind for kind, text in summaries if "onerror" in text)
    # Either plain text, or HTML in which the markup is escaped (shown, never run).
    if kind == "html":
        assert "<img" not in response_summary and "<a " not in response_summary
        assert "&lt;img src=x onerror=alert(1)&gt;" in response_summary
    else:
        assert kind == "text"
    assert 'href="javascript:' not in response_summary


def test_the_feed_only_answers_get(world, client):
    url = reverse("public-feed", args=[world.area.slug])
    assert client.post(url).status_code == 405
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("value", ["²", "abc", "1.5", "", "-1", "99999999999999999999999"])
def test_raising_an_alert_with_an_odd_concern_id_gives_a_form_error_not_a_500(value, world, login):
    client = login(world.officer)
    url = reverse("concerns:alert-create", args=[world.area.slug])
    assert client.get(url, {"concern": value}).status_code == 200
    response = client.post(
        url,
        {
            "summary": "Waits",
            "action_requested": "Look into it",
            "severity": "significant",
            "recipients": [world.icb.pk],
            "concerns": [value],
        },
    )
    assert response.status_code == 400
    assert "Choose experiences from the list" in response.content.decode()


def test_a_real_concern_id_still_links_the_experience(world, login):
    concern = make_concern(world)
    client = login(world.officer)
    url = reverse("concerns:alert-create", args=[world.area.slug])
    assert concern.reference in client.get(url, {"concern": str(concern.pk)}).content.decode()


HIDDEN = {
    "right-to-left override": "Fine\u202eevil",
    "isolate": "Fine\u2066x\u2069",
    "escape character": "Fine\x1b[31m",
    "null": "Fine\x00",
    "delete": "Fine\x7f",
}


def _respond_link(world) -> str:
    rec = make_recommendation(world)
    token = link_issue(purpose="recommendation", object_id=rec.pk)
    return reverse("recommendation-respond", args=[rec.pk, token])


@pytest.mark.parametrize("what", sorted(HIDDEN))
def test_hidden_characters_are_refused_in_the_response_by_link_form(what, world, client):
    response = client.post(
        _respond_link(world), {"name": "Dee", "decision": "accepted", "action_plan": f"Plan {HIDDEN[what]}"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Action plan contains" in page and "hidden" in page and "try again" in page


def test_marks_that_right_to_left_writing_needs_are_kept(world, client):
    plan = "خطة العمل\u200f and \u200e(2027)\u061c, with a tab\tand\r\nlines"
    response = client.post(_respond_link(world), {"name": "Dee", "decision": "accepted", "action_plan": plan})
    assert response.status_code == 200
    from reports.models import Response

    assert Response.objects.get().action_plan == plan.replace("\r\n", "\n")


def test_hidden_characters_are_refused_in_an_administrator_form(world, login):
    response = login(world.owner).post(
        reverse("agencies:body-create", args=[world.area.slug]),
        {"name": "Trust\u202e", "kind": "council", "contact_email": "t@example.org"},
    )
    assert response.status_code == 400
    assert "Name contains hidden characters that change the direction of text" in response.content.decode()
    assert not Body.objects.filter(name__startswith="Trust").exists()


def test_line_breaks_in_a_one_line_field_become_spaces(world, login):
    response = login(world.owner).post(
        reverse("agencies:body-create", args=[world.area.slug]),
        {"name": "Bcc: x@example.org\r\nSubject: hi", "kind": "council", "contact_email": "t@example.org"},
    )
    assert response.status_code == 302
    assert Body.objects.filter(name="Bcc: x@example.org Subject: hi").exists()


def test_hidden_characters_are_refused_at_sign_in(world, client):
    response = client.post(reverse("sign-in"), {"username": "a\u202e@example.org", "password": "x"})
    assert "Email address contains hidden characters" in response.content.decode()


def test_a_reset_request_with_hidden_characters_sends_nothing(world, client):
    from django.core import mail

    response = client.post(reverse("password_reset"), {"email": f"{world.owner.email}\u202e"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert mail.outbox == []


def test_an_invalid_new_body_shows_errors_without_logging_a_traceback(world, login, caplog):
    with caplog.at_level(logging.WARNING):
        response = login(world.owner).post(reverse("agencies:body-create", args=[world.area.slug]), {"name": ""})
    assert response.status_code == 400
    assert [r for r in caplog.records if r.exc_info] == []
