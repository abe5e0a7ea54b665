"""A board member records a change and a note on a priority's figure by keyboard, and withdraws
one (issue #15): the chart page, its errors and the withdraw page pass axe and reflow at 320 px."""

import pytest
from django.urls import reverse

from tests.browser.test_accessibility import assert_accessible, sign_in_by_keyboard, submit_by_keyboard
from tests.browser.test_reflow import WIDTH, problems_at_320
from tests.conftest import make_priority

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_board_member_records_and_withdraws_a_change_on_a_priority_chart_by_keyboard(page, world):
    priority = make_priority(world, title="Waits for urgent care", figures=[5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 5, 6, 15, 14])
    change = priority.figures.order_by("month")[12].month
    sign_in_by_keyboard(page, world.board_member.email)
    chart = reverse("reports:priority-chart", args=[world.area.slug, priority.pk])
    page.goto(chart)
    assert_accessible(page)
    submit_by_keyboard(page, "Record it")  # nothing filled in: errors naming each field
    assert "Select whether it is a change to the process or a note" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("A change to the process").check()
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month", exact=True).fill(str(change.month))
    page.get_by_label("Year").fill(str(change.year))
    page.get_by_label("What happened").fill("New urgent treatment centre opened")
    submit_by_keyboard(page, "Record it")
    assert f"Change recorded for {change:%B %Y}." in page.inner_text("main")
    assert page.locator("svg .app-chart__break").count() == 1
    assert_accessible(page)
    page.set_viewport_size({"width": WIDTH, "height": 640})
    assert problems_at_320(page, "priority chart") == []
    page.get_by_role("link", name="Withdraw").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert problems_at_320(page, "withdraw") == []
    assert_accessible(page)
    page.get_by_label("Why is it being withdrawn?").fill("Opened a month later")
    submit_by_keyboard(page, "Withdraw it")
    assert "withdrawn" in page.inner_text(".govuk-notification-banner, main")
    assert page.locator("svg .app-chart__break").count() == 0
