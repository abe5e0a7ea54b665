"""#14 item 6 in a real browser: an officer issues an event code, a visitor at the stall sends an
experience with it and a month-only date, and an administrator sets the hourly limit. Every page
and every error passes axe."""

import pytest
from django.urls import reverse
from django.utils import timezone

from concerns.models import Concern
from tests.browser.test_accessibility import assert_accessible, sign_in_by_keyboard, submit_by_keyboard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_issues_a_code_and_a_visitor_at_the_stall_uses_it(page, world):
    sign_in_by_keyboard(page, world.officer.email)
    page.goto(reverse("concerns:event-codes", args=[world.area.slug]))
    assert_accessible(page)
    page.get_by_label("Year", exact=True).fill("2020")
    submit_by_keyboard(page, "Issue a code")
    assert "The day it works must be today" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    today = timezone.localdate()
    page.get_by_label("Day", exact=True).fill(str(today.day))
    page.get_by_label("Month", exact=True).fill(str(today.month))
    page.get_by_label("Year", exact=True).fill(str(today.year))
    page.get_by_label("Event or place (optional)").fill("Library stall")
    submit_by_keyboard(page, "Issue a code")
    assert "Works today" in page.inner_text("main")
    assert_accessible(page)

    page.context.clear_cookies()
    page.get_by_role("link", name="Form with this code").click()
    page.wait_for_load_state()
    code = page.get_by_label("Event code (optional)").input_value()
    page.get_by_label("Which service is it about?").fill("Riverside Surgery")
    page.get_by_label("What type of service is it?").select_option(value="gp")
    page.get_by_label("Month", exact=True).fill(str(today.month))
    page.get_by_label("Year", exact=True).fill(str(today.year))
    page.get_by_label("The exact day").check()
    page.get_by_label("Negative").check()
    page.get_by_label("Tell us what happened").fill("No appointments for weeks.")
    submit_by_keyboard(page, "Send your experience")
    assert "Enter the day of the date it happened" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Only the month and year (leave the day empty)").check()
    page.get_by_label("Event code (optional)").fill("WRON-GCOD")
    submit_by_keyboard(page, "Send your experience")
    assert "Enter the event code exactly" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Event code (optional)").fill(code)
    submit_by_keyboard(page, "Send your experience")
    assert "Thank you" in page.inner_text("main")
    concern = Concern.all_objects.get()
    assert (concern.channel, concern.happened_on_precision, concern.event_code.shown) == ("outreach", "month", code)


def test_an_administrator_sets_the_hourly_limit(page, world):
    sign_in_by_keyboard(page, world.owner.email)
    page.goto(reverse("agencies:area-settings", args=[world.area.slug]))
    assert_accessible(page)
    field = page.get_by_label("How many experiences the public form accepts from one connection in an hour (optional)")
    field.fill("1000")
    submit_by_keyboard(page, "Save settings")
    assert "The hourly limit must be 500 or fewer" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
