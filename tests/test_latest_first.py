"""Tables beside charts show the latest months first, so a rise is seen without scrolling."""

import datetime
import re

import time_machine
from django.urls import reverse

from reports.board import dashboard
from tests.conftest import make_concern, make_priority
from tests.test_board import page_text


def month_headers(html: str, caption: str) -> list[str]:
    """The month labels of the table with this caption, in the order a reader meets them."""
    table = html[html.index(caption) :]
    table = table[: table.index("</table>")]
    return re.findall(r">([A-Z][a-z]{2} \d{2,4})<", table)


def test_the_trends_page_tables_start_with_the_latest_month(world, login):
    make_concern(world, received_on=datetime.date(2026, 10, 2))
    make_concern(world, received_on=datetime.date(2026, 1, 2))
    with time_machine.travel(datetime.datetime(2026, 11, 3, 12, tzinfo=datetime.UTC)):
        html = login(world.read_only).get(reverse("concerns:trends", args=[world.area.slug])).content.decode()
    monthly = month_headers(html, "data), latest first")
    assert monthly[:2] == ["Oct 2026", "Sep 2026"] and monthly[-1] == "Nov 2025"
    by_theme = month_headers(html, "Experiences by theme")
    assert by_theme[:2] == ["Oct 26", "Sep 26"]
    # the October experience is counted in the first month column, January's in the tenth
    row = html[html.index("Experiences by theme") :]
    row = row[row.index('<tr class="govuk-table__row">', row.index("<tbody")) :]
    cells = re.findall(r'--numeric">(\d+)</td>', row[: row.index("</tr>")])
    assert cells[2] == "1" and cells[2 + 9] == "1"


def test_a_chart_page_table_starts_with_the_latest_month(world, login):
    priority = make_priority(world, figures=[5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 5, 6, 14])
    url = reverse("reports:priority-chart", args=[world.area.slug, priority.pk])
    text = page_text(login(world.read_only).get(url))
    months = dashboard.chart_months(datetime.date.today())
    table = text[text.index("Data for the chart, latest month first") :]
    assert table.index(f"{months[-1]:%b %Y} 14") < table.index(f"{months[-2]:%b %Y} 6")
