"""WCAG 1.4.10 Reflow: every page works at 320 CSS pixels wide without scrolling the page
sideways; wide tables scroll inside a labelled region a keyboard can reach."""

import pytest
from django.urls import reverse

from tests.browser.test_accessibility import signed_in_pages
from tests.test_permission_matrix import MATRIX, PUBLIC

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 320

# How far the page's content reaches past the viewport (0 when it reflows), and any scroll
# region a keyboard can't reach or a screen reader can't name.
MEASURE = """() => {
  const overflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  const culprits = overflow > 0 ? [...document.querySelectorAll('main *')]
      .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                    && !el.closest('.app-table-scroll'))
      .slice(0, 3).map(el => el.tagName + '.' + el.className) : [];
  const unreachable = [...document.querySelectorAll('.app-table-scroll')]
      .filter(el => el.scrollWidth > el.clientWidth)
      .filter(el => el.tabIndex < 0 || !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
      .map(el => el.outerHTML.slice(0, 80));
  return {overflow, culprits, unreachable};
}"""


# A box wider than the screen (set through the CSSOM: the content security policy refuses inline styles).
WIDE = (
    "() => { const box = document.createElement('div'); box.style.width = '900px'; box.textContent = 'x';"
    " document.querySelector('main').append(box); }"
)


def problems_at_320(page, label: str) -> list[str]:
    found = page.evaluate(MEASURE)
    problems = []
    if found["overflow"] > 0:
        problems.append(f"{label}: the page scrolls sideways by {found['overflow']}px ({found['culprits']})")
    if found["unreachable"]:
        problems.append(f"{label}: a scroll area a keyboard can't reach or that has no label: {found['unreachable']}")
    return problems


def test_every_page_reflows_at_320_css_pixels(page, world):
    page.set_viewport_size({"width": WIDTH, "height": 640})
    problems, visited = [], 0
    for name, spec in MATRIX.items():
        if spec.kind == PUBLIC and spec.get_status == 200 and spec.html:
            page.goto(reverse(name, kwargs=spec.kwargs(world)))
            problems += problems_at_320(page, name)
            visited += 1
    for name in signed_in_pages(page, world):
        problems += problems_at_320(page, name)
        visited += 1
    assert visited > 80
    assert problems == [], "\n".join(problems)


def test_the_reflow_check_can_fail(page, world):
    """Guards the guard: a page made wider than the screen is reported."""
    page.set_viewport_size({"width": WIDTH, "height": 640})
    page.goto(reverse("sign-in"))
    assert problems_at_320(page, "sign-in") == []
    page.evaluate(WIDE)
    assert "sign-in: the page scrolls sideways" in problems_at_320(page, "sign-in")[0]
