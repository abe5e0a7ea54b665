"""After a handover, every page of a record it moved says who held it before (so past work still
reads as the old holder's), and the preview links each listed record to its own page."""

from __future__ import annotations

from django.urls import reverse

from agencies import handover_services
from concerns.models import AlertRecipient
from tests.test_handover import ON, make_plan, open_work

BEFORE = "by Healthwatch Testshire until 31 March 2027, then by NHS Testshire ICB"


def moved(world):
    work = open_work(world)
    make_plan(world)
    assert handover_services.handovers_run(ON) == 1
    return work


def page(client, user, name, *args) -> str:
    client.force_login(user)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_alert_page_says_which_recipient_received_it_before(client, world):
    work = moved(world)
    text = page(client, world.owner, "concerns:alert-detail", world.area.slug, work["received"].pk)
    assert f"Received {BEFORE}" in text
    assert AlertRecipient.objects.get(alert=work["received"], body=world.icb)


def test_the_review_page_and_the_request_page_say_who_owed_the_evidence_before(client, world):
    work = moved(world)
    review = work["request"].review
    text = page(client, world.scrutiny_officer, "reports:review", world.area.slug, review.pk)
    assert f"Owed {BEFORE}" in text
    text = page(client, world.icb_officer, "reports:evidence-answer-in-app", world.area.slug, work["request"].pk)
    assert f"Owed {BEFORE}" in text


def test_the_report_and_each_recommendation_say_who_issued_them_before(client, world):
    work = moved(world)
    text = page(client, world.icb_officer, "reports:report", world.area.slug, work["report"].pk)
    assert f"Issued {BEFORE}" in text
    text = page(client, world.icb_officer, "reports:recommendation", world.area.slug, work["rec"].pk)
    assert f"Made {BEFORE}" in text


def test_records_that_never_moved_say_nothing_of_a_handover(client, world):
    work = open_work(world)
    text = page(client, world.owner, "concerns:alert-detail", world.area.slug, work["received"].pk)
    assert "handover of a function" not in text
    text = page(client, world.scrutiny_officer, "reports:review", world.area.slug, work["request"].review_id)
    assert "handover of a function" not in text


def test_each_record_in_the_preview_links_to_its_own_page_which_the_administrator_can_open(client, world):
    work = open_work(world)
    plan = make_plan(world)
    text = page(client, world.owner, "agencies:handover", world.area.slug, plan.pk)
    slug = world.area.slug
    expected = {
        reverse("concerns:alert-detail", args=[slug, work["health_alert"].pk]): work["health_alert"].summary,
        reverse("concerns:alert-detail", args=[slug, work["care_alert"].pk]): work["care_alert"].summary,
        reverse("concerns:alert-detail", args=[slug, work["received"].pk]): work["received"].summary,
        reverse("reports:review", args=[slug, work["review"].pk]): "Dentistry access",
        reverse("reports:review", args=[slug, work["request"].review_id]): "For the review ‘Home care’",
        reverse("reports:report", args=[slug, work["report"].pk]): "Hospital discharge",
    }
    for url, label in expected.items():
        assert f'<a class="govuk-link" href="{url}">' in text, url
        assert label in text
        assert client.get(url).status_code == 200, url
