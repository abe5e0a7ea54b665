"""Issue 11, item 15: the narrative never leaves Healthwatch; others see only an approved summary."""

import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from agencies.models import Role
from reports.models import BoardPack, Review
from tests.conftest import make_alert, make_concern, make_priority
from tests.factories import MembershipFactory

SECRET = "Mr Bloggs in bay 4 of Larch ward waited six hours; ring 07700 900123"
SUMMARY = "An older man waited six hours on a ward without pain relief."


def text(response) -> str:
    body = response.content if hasattr(response, "content") else b"".join(response.streaming_content)
    return html.unescape(body.decode())


def url(name, world, **kwargs):
    return reverse(f"concerns:{name}", kwargs={"slug": world.area.slug, **kwargs})


def approve(world, concern, summary=SUMMARY):
    from concerns import services

    return services.summary_approve(concern=concern, text=summary, user=world.officer)


@pytest.fixture
def alerted(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        concern = make_concern(world, narrative=SECRET)
        alert = make_alert(world, concerns=[concern])
    return concern, alert


def emailed_link(address: str) -> str:
    body = next(m.body for m in mail.outbox if any(address in to for to in m.to))
    return re.search(r"(/respond/alerts/\d+/\d+/[\w-]+/)", body).group(1)


# ---------------------------------------------------------------- failed before the fix


def test_an_icb_officer_opening_the_alert_does_not_see_the_narrative(world, login, alerted):
    concern, alert = alerted
    page = text(login(world.icb_officer).get(url("alert-detail", world, pk=alert.pk)))
    assert "Larch ward" not in page and "07700" not in page
    assert "No shareable summary yet" in page


def test_the_emailed_link_page_does_not_show_the_narrative(world, client, alerted):
    page = text(client.get(emailed_link("icb@example.org")))
    assert "Larch ward" not in page and "07700" not in page
    assert "No shareable summary yet" in page


def test_a_non_collecting_users_export_has_no_narrative(world, login):
    make_concern(world, narrative=SECRET)
    for reader in (world.icb_officer, world.read_only, world.owner):
        csv = text(login(reader).get(url("export", world)))
        header = csv.lstrip("\ufeff").splitlines()[0].split(",")
        assert "narrative" not in header and "shareable_summary" in header
        assert "Larch ward" not in csv


def test_other_bodies_see_no_narrative_in_the_list_the_page_or_a_review(world, login):
    concern = make_concern(world, narrative=SECRET)
    review = Review.objects.create(
        locality=world.area, kind="scrutiny_review", lead_body=world.scrutiny, topic="Waits", created_by=world.owner
    )
    review.concerns.add(concern)
    client = login(world.scrutiny_officer)
    for page_url in (
        url("index", world),
        url("detail", world, pk=concern.pk),
        reverse("reports:review", args=[world.area.slug, review.pk]),
    ):
        page = text(client.get(page_url))
        assert "Larch ward" not in page, page_url
        assert "No shareable summary yet" in page, page_url


def test_searching_cannot_reveal_what_a_narrative_says(world, login):
    make_concern(world, narrative=SECRET)
    found = text(login(world.icb_officer).get(url("index", world), {"q": "Larch"}))
    assert "0 experiences" in found
    assert "1 experience" in text(login(world.officer).get(url("index", world), {"q": "Larch"}))


# ---------------------------------------------------------------- the approved summary


def test_with_an_approved_summary_the_icb_sees_it_on_the_alert_and_link_pages(world, client, login, alerted):
    concern, alert = alerted
    approve(world, concern)
    for page in (
        text(login(world.icb_officer).get(url("alert-detail", world, pk=alert.pk))),
        text(client.get(emailed_link("icb@example.org"))),
    ):
        assert SUMMARY in page
        assert "Larch ward" not in page and "No shareable summary yet" not in page


def test_the_export_for_others_carries_the_summary_and_staff_keep_the_narrative(world, login):
    approve(world, make_concern(world, narrative=SECRET))
    others = text(login(world.icb_officer).get(url("export", world)))
    assert SUMMARY in others and "Larch ward" not in others
    staff = text(login(world.officer).get(url("export", world)))
    header = staff.lstrip("\ufeff").splitlines()[0].split(",")
    at = header.index("narrative")
    assert header[at - 1 : at + 2] == ["sentiment", "narrative", "shareable_summary"]
    assert "Larch ward" in staff and SUMMARY in staff


def test_collecting_staff_still_read_the_narrative(world, login, alerted):
    concern, alert = alerted
    client = login(world.officer)
    for page_url in (url("detail", world, pk=concern.pk), url("alert-detail", world, pk=alert.pk), url("index", world)):
        assert "Larch ward" in text(client.get(page_url)), page_url


def test_the_board_pack_has_no_narrative(world, login, django_capture_on_commit_callbacks):
    concern = make_concern(world, narrative=SECRET, safeguarding=True)
    make_priority(world, title="Winter pressures").concerns.add(concern)
    client = login(world.board_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:board-packs", args=[world.area.slug]),
            {"meeting_on_0": "10", "meeting_on_1": "12", "meeting_on_2": "2026"},
        )
    pack = BoardPack.objects.get()
    assert pack.state == BoardPack.State.READY, pack.error
    assert "Winter pressures" in pack.html
    assert "Larch ward" not in pack.html and "Bloggs" not in pack.html
    shown = text(client.get(reverse("reports:board-pack", args=[world.area.slug, pack.pk])))
    assert "Larch ward" not in shown


# ---------------------------------------------------------------- writing and approving


def test_staff_get_a_suggestion_with_identifiers_marked_and_approve_it(world, login):
    concern = make_concern(world, narrative=SECRET)
    client = login(world.officer)
    page = text(client.get(url("summary", world, pk=concern.pk)))
    assert "Mr [name removed] in bay 4 of Larch ward waited six hours; ring [phone number removed]" in page
    response = client.post(url("summary", world, pk=concern.pk), {"shareable_summary": SUMMARY})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert (concern.shareable_summary, concern.summary_approved_by) == (SUMMARY, world.officer)
    assert concern.summary_approved_at is not None
    detail = text(client.get(url("detail", world, pk=concern.pk)))
    assert SUMMARY in detail and "Approved by Oscar Officer" in detail
    assert "Change the shareable summary" in detail
    # Shown again, the approved text is offered for change (not a fresh suggestion).
    assert SUMMARY in text(client.get(url("summary", world, pk=concern.pk)))


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ("", "Enter a shareable summary"),
        ("   ", "Enter a shareable summary"),
        ("Dr Patel was rude.", "still has what looks like a name (‘Patel’)"),
        (
            "Call 07700 900123 or pat@example.com",
            "looks like an email address (‘pat@example.com’) and a phone number (‘07700 900123’). Remove them",
        ),
        ("x" * 2_001, "Shareable summary must be 2,000 characters or fewer"),
        ("Fine\u202etext", "Shareable summary"),
    ],
)
def test_a_summary_that_is_empty_too_long_or_still_identifying_is_refused(world, login, posted, message):
    concern = make_concern(world, narrative=SECRET)
    response = login(world.officer).post(url("summary", world, pk=concern.pk), {"shareable_summary": posted})
    assert response.status_code == 400
    assert message in text(response)
    concern.refresh_from_db()
    assert (concern.shareable_summary, concern.summary_approved_at) == ("", None)


def test_only_the_collecting_bodys_staff_write_the_summary(world, login):
    concern = make_concern(world, narrative=SECRET)
    volunteer = MembershipFactory(body=world.healthwatch, role=Role.MEMBER).user
    reader = MembershipFactory(body=world.healthwatch, role=Role.READ_ONLY).user
    assert login(volunteer).get(url("summary", world, pk=concern.pk)).status_code == 200
    for outsider in (reader, world.icb_officer, world.owner):
        response = login(outsider).post(url("summary", world, pk=concern.pk), {"shareable_summary": SUMMARY})
        assert response.status_code == 403
    concern.refresh_from_db()
    assert concern.shareable_summary == ""


def test_raising_an_alert_warns_about_experiences_with_no_summary(world, login):
    bare = make_concern(world, narrative=SECRET)
    ready = approve(world, make_concern(world, narrative="Another story"))
    client = login(world.officer)
    page = text(client.get(url("alert-create", world) + f"?concern={bare.pk}&concern={ready.pk}"))
    assert f"{bare.reference} has no shareable summary yet" in page
    assert ready.reference + " has" not in page
    assert "No shareable summary yet" in page


def test_an_approved_summary_is_kept_in_the_history(world, login):
    concern = approve(world, make_concern(world, narrative=SECRET))
    page = text(login(world.officer).get(url("detail", world, pk=concern.pk)))
    latest = re.search(r"<tbody.*?</tr>", page, re.S).group(0)
    assert "Shareable summary, summary approved" in latest and "Oscar Officer" in latest
    assert concern.history.count() == 2


# ---------------------------------------------------------------- other free text stays too

DESCRIBED = "Dr Patel's clinic, ward 7"
REASON = "Closed after talking to Mrs Khan's son on Larch ward"


def test_free_text_typed_about_the_service_or_closing_stays_with_the_collecting_body(
    world, login, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        concern = make_concern(world, service=None, service_described=DESCRIBED, status="closed", closed_reason=REASON)
        alert = make_alert(world, concerns=[concern])
    icb = login(world.icb_officer)
    pages = [
        icb.get(url("detail", world, pk=concern.pk)),
        icb.get(url("index", world)),
        icb.get(url("alert-detail", world, pk=alert.pk)),
        icb.get(url("export", world)),
        icb.get(url("alert-create", world) + f"?concern={concern.pk}"),
    ]
    client.logout()
    pages.append(client.get(emailed_link("icb@example.org")))
    for response in pages:
        seen = text(response)
        assert "Patel" not in seen and "Khan" not in seen, response.request["PATH_INFO"]
    staff = text(login(world.officer).get(url("detail", world, pk=concern.pk)))
    assert DESCRIBED in staff and REASON in staff


def test_the_alert_form_shows_healthwatch_what_recipients_will_see_not_the_narrative(world, login):
    concern = make_concern(world, narrative=SECRET)
    page = text(login(world.officer).get(url("alert-create", world) + f"?concern={concern.pk}"))
    assert "Larch ward" not in page and "No shareable summary yet" in page
    approve(world, concern)
    page = text(login(world.officer).get(url("alert-create", world) + f"?concern={concern.pk}"))
    assert SUMMARY in page and "Larch ward" not in page
