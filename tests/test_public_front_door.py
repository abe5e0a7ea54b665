"""The public front door (issue 14, item 5): each area's "What people told us" figures, "What
was done" with overdue responses flagged, the area's pages linking each other, and the feed."""

from __future__ import annotations

import datetime
import html
import re
import xml.etree.ElementTree as ET

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concerns import services as concern_services
from concerns.models import Theme
from reports.recommendations import services
from tests.conftest import make_recommendation

ATOM = "{http://www.w3.org/2005/Atom}"
TODAY = datetime.date(2026, 12, 15)  # the 12 complete months: December 2025 to November 2026


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC), tick=False)


def page_text(response) -> str:
    """What a person reads: the page without its markup, spaces collapsed (none before a colon
    or a comma that follows a link)."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    return re.sub(r" ([:;,])", r"\1", text)


def table_rows(response) -> dict[str, list[str]]:
    """Each table row's header and the text of its cells, as a reader sees them."""
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", response.content.decode(), flags=re.S):
        cells = [
            " ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def share(world, theme: str, day: datetime.date, n: int = 1, *, status: str = "reviewed", public: bool = False):
    """n experiences of one theme about the trust, collected by the area's Healthwatch."""
    themes = list(Theme.all_objects.filter(locality=world.area, name=theme))
    for _ in range(n):
        details = concern_services.ConcernDetails(
            received_on=day,
            channel="phone",
            service_type="hospital",
            sentiment="negative",
            narrative="Waited all night on ward 7 at St Elsewhere.",
            themes=themes,
            service=world.trust,
            service_described="St Elsewhere ward 7",
            status=status,
            closed_reason="Passed on to the service." if status == "closed" else "",
        )
        concern_services.concern_log(
            locality=world.area,
            collecting_body=world.healthwatch,
            details=details,
            created_by=world.officer,
            from_public=public,
        )


def told_us(client, world):
    return client.get(reverse("public-told-us", args=[world.area.slug]))


# ---------------------------------------------------------------- what people told us


def test_what_people_told_us_counts_reviewed_experiences_by_theme_and_month_with_small_numbers_hidden(world, client):
    october, september = datetime.date(2026, 10, 5), datetime.date(2026, 9, 20)
    with at(TODAY):
        share(world, "Waiting times", october, 7)
        share(world, "Communication", october, 2)
        share(world, "Access", september, 6, status="closed")  # closed ones were reviewed: they count
        share(world, "Waiting times", october, 3, status="new", public=True)  # not read yet
        share(world, "Waiting times", datetime.date(2026, 12, 1), 9)  # this month is not complete
        share(world, "Waiting times", datetime.date(2025, 11, 30), 9)  # 13 months ago
        response = told_us(client, world)
    assert response.status_code == 200
    rows = table_rows(response)
    header = rows["Theme"]
    assert header[0] == "Nov 2026" and header[-2] == "Dec 2025" and header[-1] == "12 months"  # latest first
    oct_, sep = header.index("Oct 2026"), header.index("Sep 2026")
    assert rows["Waiting times"][oct_] == "7" and rows["Waiting times"][-1] == "7"
    assert rows["Access"][sep] == "6" and rows["Access"][-1] == "6"
    # 2 is hidden; so is every total it would give away by subtraction.
    assert rows["Communication"][oct_] == "fewer than 5"
    assert rows["Communication"][-1] == "not shown"
    assert rows["All experiences"][oct_] == "not shown"
    assert rows["All experiences"][sep] == "6"
    assert rows["All experiences"][-1] == "not shown"
    assert set(rows["Discharge"]) == {"0"}
    text = page_text(response)
    assert 'We show a number from 1 to 4 as "fewer than 5"' in text
    assert "so that a hidden number cannot be worked out" in text


def test_what_people_told_us_never_names_a_service_nor_repeats_what_anyone_wrote(world, client):
    share(world, "Waiting times", datetime.date(2026, 10, 5), 8)
    with at(TODAY):
        text = page_text(told_us(client, world))
    assert "8" in text
    for private in (world.trust.name, "St Elsewhere", "Waited all night", world.healthwatch.name):
        assert private not in text


def test_what_people_told_us_shows_zeros_for_an_area_with_no_experiences(world, client):
    with at(TODAY):
        rows = table_rows(told_us(client, world))
    assert rows["All experiences"] == ["0"] * 13
    assert client.get(reverse("public-told-us", args=["no-such-area"])).status_code == 404


# ---------------------------------------------------------------- what was done


def answered_and_overdue(world):
    """Two recommendations of published reports: one answered with a plan, one not answered."""
    answered = make_recommendation(world, publish=True)
    services.response_record(
        recommendation=answered,
        decision="accepted",
        reasons="",
        action_plan="Publish waits every Monday.",
        target_date=datetime.date(2027, 3, 1),
        name="Dr Jane Answerer",
        receipt_email="jane.answerer@example.org",
        responded_on=answered.due_on,
    )
    overdue = make_recommendation(world, publish=True)
    return answered, overdue


def test_what_was_done_flags_overdue_responses_and_labels_each_action_plan_and_target_date(world, client):
    answered, overdue = answered_and_overdue(world)
    with at(overdue.due_on + datetime.timedelta(days=3)):
        listing = client.get(reverse("public-reports", args=[world.area.slug]))
        report = client.get(reverse("public-report", args=[world.area.slug, overdue.report_id]))
        answered_report = client.get(reverse("public-report", args=[world.area.slug, answered.report_id]))
    text = page_text(listing)
    assert f"Overdue {overdue.reference}: NHS Testshire ICB was due to respond by" in text
    assert 'govuk-tag govuk-tag--red">Overdue</strong>' in listing.content.decode()
    assert f"{answered.reference}: NHS Testshire ICB, accepted on" in text and "target date 1 March 2027" in text
    assert f"{overdue.reference}: to NHS Testshire ICB Overdue" in page_text(report)
    assert "No response yet: it was due by" in page_text(report)
    answered_text = page_text(answered_report)
    assert "Action plan Publish waits every Monday." in answered_text
    assert "Target date 1 March 2027" in answered_text
    assert "Overdue" not in answered_text and "Dr Jane Answerer" not in answered_text


def test_nothing_is_overdue_before_the_end_of_the_due_day(world, client):
    _, overdue = answered_and_overdue(world)
    with at(overdue.due_on):
        text = page_text(client.get(reverse("public-reports", args=[world.area.slug])))
    assert "No responses are overdue." in text and "Overdue" not in text.replace("Overdue responses", "")


# ---------------------------------------------------------------- the feed


def test_the_feed_is_atom_with_an_entry_for_each_report_and_response_and_no_personal_data(world, client):
    answered, overdue = answered_and_overdue(world)
    share(world, "Waiting times", datetime.date(2026, 10, 5), 6)
    response = client.get(reverse("public-feed", args=[world.area.slug]))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Reports and responses in Testshire"
    assert feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}updated")
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["alternate"].endswith(reverse("public-reports", args=[world.area.slug]))
    assert links["self"].endswith(reverse("public-feed", args=[world.area.slug]))
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 3  # two reports published, one response
    for entry in entries:
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}title")
        href = entry.find(f"{ATOM}link").get("href")
        assert re.search(r"/public/testshire/reports/\d+/$", href)
    answer = next(e for e in entries if "responded to" in e.findtext(f"{ATOM}title"))
    assert answer.findtext(f"{ATOM}title") == f"NHS Testshire ICB responded to {answered.reference}: Accepted"
    summary = html.unescape(answer.findtext(f"{ATOM}summary"))
    assert "Action plan: Publish waits every Monday." in summary and "Target date: 1 March 2027." in summary
    body = response.content.decode()
    for private in ("Dr Jane Answerer", "jane.answerer@example.org", "Waited all night", "St Elsewhere"):
        assert private not in body


# ---------------------------------------------------------------- the pages link each other


AREA_PAGES = ["share", "share-thanks", "public-told-us", "public-reports"]


def test_the_areas_public_pages_link_each_other_and_carry_the_feed(world, client):
    rec = make_recommendation(world, publish=True)
    slug = world.area.slug
    urls = [reverse(name, args=[slug]) for name in AREA_PAGES] + [reverse("public-report", args=[slug, rec.report_id])]
    feed_link = f'<link rel="alternate" type="application/atom+xml" title="Reports and responses in Testshire" href="{reverse("public-feed", args=[slug])}">'
    for url in urls:
        page = client.get(url).content.decode()
        assert feed_link in page, url
        nav = re.search(r'<nav class="app-area-nav" aria-label="Public pages for Testshire">(.*?)</nav>', page, re.S)
        assert nav, url
        for name in ("share", "public-told-us", "public-reports", "public-feed"):
            assert f'href="{reverse(name, args=[slug])}"' in nav.group(1), (url, name)
        assert nav.group(1).count('aria-current="page"') == (0 if "reports/" in url or "thank-you" in url else 1)


def test_an_area_without_a_healthwatch_offers_no_share_link_on_its_public_pages(world, client):
    slug = world.other_area.slug
    for name in ("public-told-us", "public-reports", "share"):
        page = client.get(reverse(name, args=[slug])).content.decode()
        assert f'href="{reverse("share", args=[slug])}"' not in page, name
        assert f'href="{reverse("public-told-us", args=[slug])}"' in page


def test_the_front_door_leads_to_what_people_told_us_and_staff_sign_in_from_there(world, client):
    page = client.get("/").content.decode()
    for area in (world.area, world.other_area):
        assert f'href="{reverse("public-told-us", args=[area.slug])}"' in page
    assert f'href="{reverse("sign-in")}"' in page and "Sign in" in page


# ---------------------------------------------------------------- query counts


def count_queries(client, url) -> int:
    client.get(url)  # the first visit after a change counts the area's experiences again
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_what_people_told_us_makes_the_same_queries_for_11_or_66_experiences_a_theme(world, client):
    themes = ["Waiting times", "Access", "Communication"]
    url = reverse("public-told-us", args=[world.area.slug])

    def grow(n):
        for month in range(1, 12):
            for theme in themes:
                share(world, theme, datetime.date(2026, month, 3), n // 10 or 1)

    with at(TODAY):
        grow(5)
        few = count_queries(client, url)
        grow(50)
        assert count_queries(client, url) == few
    assert few <= 8


def queries_at_n_and_10n(client, url, grow) -> tuple[int, int]:
    """The page's queries after `grow(1)` and again after `grow(9)` more, with a clock after
    every deadline (so some responses are overdue)."""
    counts = []
    for n in (1, 9):
        grow(n)
        with at(datetime.date(2027, 2, 1)):
            counts.append(count_queries(client, url))
    return counts[0], counts[1]


def test_what_was_done_makes_the_same_queries_for_2_or_20_reports(world, client):
    def grow(n):
        for _ in range(n):
            answered_and_overdue(world)

    few, many = queries_at_n_and_10n(client, reverse("public-reports", args=[world.area.slug]), grow)
    assert few == many and few <= 10


def test_a_public_report_page_makes_the_same_queries_for_2_or_20_recommendations(world, client):
    first, _ = answered_and_overdue(world)

    def grow(n):
        for _ in range(n):
            for rec in answered_and_overdue(world):
                rec.report = first.report
                rec.save()

    few, many = queries_at_n_and_10n(client, reverse("public-report", args=[world.area.slug, first.report_id]), grow)
    assert few == many and few <= 10
