"""The duty checklist is exactly the guide's 21 duties, under the right functions."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from agencies.models import Duty, Function

GUIDE = Path(settings.BASE_DIR) / "agencies" / "data" / "quality-systems-guide.txt"

# The guide's headings, and the function each one's duties belong to.
HEADINGS = {
    "All those with leadership responsibility at local level should:": "local_leadership",
    "Health and wellbeing boards (HWBs) should:": "hwb",
    "Local Healthwatch should:": "local_healthwatch",
    "Overview and scrutiny committees should:": "health_scrutiny",
}


def guide_checklist() -> list[tuple[str, str]]:
    """(function code, duty text) for every bullet in the guide, in order."""
    duties, current = [], None
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line in HEADINGS:
            current = HEADINGS[line]
        elif line.startswith("•"):
            assert current is not None, f"bullet before any heading: {line}"
            duties.append((current, re.sub(r"[,.]$", "", line.lstrip("• ").strip())))
    return duties


def test_the_guide_has_21_duties_in_four_groups():
    checklist = guide_checklist()
    assert len(checklist) == 21
    assert [code for code, _ in checklist].count("health_scrutiny") == 6


def test_every_duty_in_the_database_is_the_guides_duty_under_its_function(db):
    stored = [(duty.function.code, duty.text) for duty in Duty.objects.select_related("function").order_by("number")]
    assert stored == guide_checklist()
    assert set(Duty.objects.values_list("source", flat=True)) == {
        "Health and Care Quality Systems in practice: A guide for local leaders"
    }
    assert list(Duty.objects.values_list("number", flat=True)) == list(range(1, 22))


def test_the_quality_system_page_lists_each_duty_under_its_function(world, login):
    page = login(world.read_only).get(reverse("agencies:quality-system", args=[world.area.slug]))
    html = page.content.decode()
    for function in Function.objects.all():
        start = html.index(f'id="function-{function.code}"')
        following = [html.index(f'id="function-{f.code}"') for f in Function.objects.filter(order__gt=function.order)]
        section = html[start : min(following, default=len(html))]
        for duty in function.duties.all():
            assert f"{duty.number}. {duty.text[0].upper()}{duty.text[1:]}" in section.replace("&#x27;", "'").replace(
                "&amp;", "&"
            )
    assert "Healthwatch Testshire</a> since 1 April 2013" in html
