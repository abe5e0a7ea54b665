"""In the browser, the rule list offers only the rules that bind the chosen body."""

import pytest
from django.urls import reverse

from tests.browser.test_accessibility import assert_accessible, sign_in_by_keyboard
from tests.conftest import make_recommendation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visible_rules(page) -> list[str]:
    return page.eval_on_selector_all(
        "#id_duty option", "options => options.filter(o => o.value && !o.hidden).map(o => o.textContent.trim())"
    )


def test_choosing_a_trust_hides_the_council_executive_rule_and_choosing_the_council_shows_it(page, world):
    report_id = make_recommendation(world).report_id
    sign_in_by_keyboard(page, world.scrutiny_officer.email)
    page.goto(reverse("reports:report", args=[world.area.slug, report_id]))
    page.select_option("#id_addressed_to", label=world.trust.name)
    for_trust = visible_rules(page)
    assert any(rule.startswith("Health scrutiny report or recommendation to an NHS body") for rule in for_trust)
    assert not any("council executive (2 months)" in rule for rule in for_trust)
    page.select_option("#id_duty", index=1)
    page.select_option("#id_addressed_to", label=world.council.name)
    for_council = visible_rules(page)
    assert any("council executive (2 months)" in rule for rule in for_council)
    assert not any(rule.startswith("Health scrutiny report or recommendation to an NHS body") for rule in for_council)
    assert page.input_value("#id_duty") == ""  # the trust's rule, chosen first, no longer fits
    assert_accessible(page)
