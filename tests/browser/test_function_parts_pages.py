"""The pages of issue 16's parts of a function, in a real browser: axe and the 320 px reflow
check on the functions page with parts held, the part rules page (and its errors) and a duty
held in parts. (The matrix-wide walks cover the part rules page too; this checks the states
the seeded world does not have.)"""

import datetime

import pytest
from django.urls import reverse

from tests.browser.test_accessibility import assert_accessible, follow, sign_in_by_keyboard
from tests.browser.test_reflow import WIDTH, problems_at_320
from tests.test_function_parts import lhw, split

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_part_pages_pass_axe_and_reflow(page, world):
    split(world, on=datetime.date(2020, 4, 1))  # held in parts today
    sign_in_by_keyboard(page, world.owner.email)
    duty = lhw().duties.order_by("number").first()
    urls = [
        reverse("agencies:functions", args=[world.area.slug]),
        reverse("agencies:part-rules", args=[world.area.slug]),
        reverse("agencies:duty", args=[world.area.slug, duty.number]),
        reverse("agencies:function-assign", args=[world.area.slug]),
    ]
    problems = []
    for url in urls:
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(url)
        assert page.locator("h1").count() == 1
        assert_accessible(page)
        page.set_viewport_size({"width": WIDTH, "height": 640})
        problems += problems_at_320(page, url)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(urls[1])
    page.get_by_label("Local Healthwatch: GP").select_option(label="Social care")
    follow(page, page.get_by_role("button", name="Save the rules"))
    assert "1 changed" in page.inner_text("main")
    assert_accessible(page)
    assert problems == [], "\n".join(problems)
