"""Issue 17's pages in a real browser: axe and the 320 px reflow check on the outgoing body's
closing report (and its editing form) after the handover, and on the dashboard and alert page
showing an alert the ICB raised to itself. (The matrix-wide walks open these pages too, in the
seeded world's states; this checks the states it does not have.)"""

import pytest
from django.urls import reverse

from concerns.models import Alert
from tests.browser.test_accessibility import assert_accessible, sign_in_by_keyboard
from tests.browser.test_reflow import WIDTH, problems_at_320
from tests.test_closing_report import handed_over  # noqa: F401 - a fixture
from tests.test_independence import AFTER, icb_alert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page, urls) -> list[str]:
    problems = []
    for url in urls:
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(url)
        assert page.locator("h1").count() == 1, url
        assert_accessible(page)
        page.set_viewport_size({"width": WIDTH, "height": 640})
        problems += problems_at_320(page, url)
    return problems


def test_closing_report_and_lost_challenge_pages_pass_axe_and_reflow(page, handed_over):  # noqa: F811
    world, plan, _, _ = handed_over
    alert = icb_alert(world, sent_on=None)  # sent today, then dated after the handover
    Alert.all_objects.filter(pk=alert.pk).update(sent_on=AFTER)
    sign_in_by_keyboard(page, world.officer.email)
    problems = _check(
        page,
        [
            reverse("reports:closing-report", args=[world.area.slug, plan.pk]),
            reverse("reports:closing-report-edit", args=[world.area.slug, plan.pk]),
        ],
    )
    page.context.clear_cookies()
    sign_in_by_keyboard(page, world.icb_officer.email)
    problems += _check(
        page,
        [
            reverse("reports:dashboard", args=[world.area.slug]),
            reverse("concerns:alert-detail", args=[world.area.slug, alert.pk]),
        ],
    )
    assert "independent challenge lost" in page.inner_text("main")
    assert problems == [], "\n".join(problems)
