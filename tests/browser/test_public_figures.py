"""The public "What people told us" and "What was done" pages with real figures, in a browser:
hidden small numbers, a response with its plan, and the area's navigation pass axe."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from concerns.selectors import last_complete_month
from tests.browser.test_accessibility import assert_accessible
from tests.test_public_front_door import answered_and_overdue, share

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_public_figures_and_what_was_done_pass_axe_with_hidden_numbers_and_responses(page, world):
    month = last_complete_month(timezone.localdate())
    share(world, "Waiting times", month, 12)
    share(world, "Communication", month, 3)
    share(world, "Access", month - datetime.timedelta(days=20), 6)
    answered_and_overdue(world)

    page.goto(reverse("public-told-us", args=[world.area.slug]))
    table = page.get_by_role("table")
    assert "fewer than 5" in table.inner_text() and "not shown" in table.inner_text()
    assert page.locator("nav[aria-label='Public pages for Testshire'] [aria-current='page']").inner_text() == (
        "What people told us"
    )
    assert_accessible(page)

    page.get_by_role("link", name="What was done").first.click()
    page.wait_for_url(f"**{reverse('public-reports', args=[world.area.slug])}")
    assert_accessible(page)
