"""#15 item 2 in a real browser: from the trends page a Healthwatch officer opens a theme's chart,
records a change to the process by keyboard (after an error), and withdraws a note. Every page
and every error passes axe, and each chart page reflows at 320 CSS pixels."""

import datetime

import pytest
from django.urls import reverse

from concerns import series_notes
from concerns.models import SeriesNote
from tests.browser.test_accessibility import assert_accessible, follow, sign_in_by_keyboard, submit_by_keyboard
from tests.browser.test_reflow import WIDTH, problems_at_320
from tests.conftest import make_concern

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_records_a_change_on_a_themes_chart_and_withdraws_a_note(page, world):
    make_concern(world, received_on=datetime.date(2026, 10, 5))
    sign_in_by_keyboard(page, world.officer.email)
    page.goto(reverse("concerns:trends", args=[world.area.slug]))
    follow(page, page.get_by_role("link", name="Chart of Waiting times by month"))
    assert page.locator("h1").inner_text() == "Experiences each month: the theme ‘Waiting times’"
    assert_accessible(page)

    submit_by_keyboard(page, "Record it")
    summary = page.inner_text(".govuk-error-summary")
    assert "Select whether it is a change or a note" in summary and "Select the month it happened" in summary
    assert_accessible(page)

    page.get_by_label("A change to how things work").focus()
    page.keyboard.press("Space")
    page.get_by_label("Month", exact=True).select_option(label="October 2026")
    page.get_by_label("What happened").focus()
    page.keyboard.type("New online booking live in two practices")
    submit_by_keyboard(page, "Record it")
    assert "Change recorded for October 2026" in page.inner_text(".govuk-notification-banner")
    assert "Recorded by Oscar" in page.inner_text("main")
    assert_accessible(page)

    note = SeriesNote.objects.get()
    follow(page, page.get_by_role("link", name="Withdraw the change for October 2026"))
    assert_accessible(page)
    submit_by_keyboard(page, "Withdraw it")
    assert "Enter why you are withdrawing it" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Why are you withdrawing it?").fill("Recorded on the wrong chart")
    submit_by_keyboard(page, "Withdraw it")
    assert "Withdrawn change" in page.inner_text("main")
    assert_accessible(page)
    note.refresh_from_db()
    assert note.withdrawn_reason == "Recorded on the wrong chart"


def test_the_chart_pages_reflow_at_320_css_pixels(page, world):
    make_concern(world, received_on=datetime.date(2026, 10, 5))
    theme = series_notes.series_key("theme", make_concern(world).theme_tags.get().theme_id)
    note = series_notes.record(
        user=world.officer,
        locality=world.area,
        series=theme,
        kind="note",
        month=datetime.date(2026, 9, 1),
        reason="Winter pressures came early this year across the county",
    )
    slug = world.area.slug
    sign_in_by_keyboard(page, world.officer.email)
    page.set_viewport_size({"width": WIDTH, "height": 640})
    problems = []
    for url in (
        reverse("concerns:trend-volume", args=[slug]),
        reverse("concerns:trend-theme", args=[slug, int(theme.split(":")[1])]),
        reverse("concerns:trend-service", args=[slug, world.trust.pk]),
        reverse("concerns:trend-note-withdraw", args=[slug, note.pk]),
    ):
        page.goto(url)
        problems += problems_at_320(page, url)
    assert problems == [], "\n".join(problems)
