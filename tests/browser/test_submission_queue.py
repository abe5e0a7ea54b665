"""A Healthwatch officer works through the queue of what the public shared, by keyboard, on
pages that pass axe: rejects a spam one and accepts another."""

import datetime

import pytest
from django.urls import reverse

from concerns.models import Concern
from tests.browser.test_accessibility import assert_accessible, follow, sign_in_by_keyboard, submit_by_keyboard
from tests.test_submission_queue import make_submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_healthwatch_officer_rejects_a_spam_one_and_accepts_another_from_the_queue(page, world):
    spam = make_submission(world, received_on=datetime.date(2026, 11, 1), narrative="Cheap watches at example.biz")
    real = make_submission(world, received_on=datetime.date(2026, 11, 2), typed="Testshire hospitals")
    sign_in_by_keyboard(page, world.officer.email)
    page.goto(reverse("reports:healthwatch-home", args=[world.area.slug]))
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="shared online, waiting for review"))
    assert page.locator("h1").inner_text() == "Shared online, waiting for review"
    assert_accessible(page)

    follow(page, page.get_by_role("link", name=f"Review {spam.reference}"))
    assert_accessible(page)
    submit_by_keyboard(page, "Save decision")
    assert "Select what you want to do with this experience" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Reject it as spam").check()
    submit_by_keyboard(page, "Save decision")
    assert f"{spam.reference} rejected as spam" in page.inner_text("main")

    follow(page, page.get_by_role("link", name=f"Review {real.reference}"))
    assert "Testshire Hospitals NHS Trust" in page.inner_text(".govuk-inset-text")
    page.get_by_label("Accept it into the record").check()
    page.get_by_label("Service it is about").select_option(label="Testshire Hospitals NHS Trust")
    submit_by_keyboard(page, "Save decision")
    assert f"{real.reference} accepted into the record." in page.inner_text("main")
    assert Concern.all_objects.get(pk=real.pk).service == world.trust

    page.goto(reverse("concerns:submission", args=[world.area.slug, spam.pk]))
    assert_accessible(page)  # a decided one, with its restore button


def test_the_area_administrator_sets_how_long_rejected_experiences_are_kept(page, world):
    sign_in_by_keyboard(page, world.owner.email)
    page.goto(reverse("agencies:quality-system", args=[world.area.slug]))
    follow(page, page.get_by_role("link", name="How long to keep experiences rejected as spam"))
    assert_accessible(page)
    page.get_by_label("Days to keep experiences rejected as spam").fill("400")
    submit_by_keyboard(page, "Save")
    assert "must be 365 or fewer" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Days to keep experiences rejected as spam").fill("14")
    submit_by_keyboard(page, "Save")
    world.area.refresh_from_db()
    assert world.area.rejected_retention_days == 14
