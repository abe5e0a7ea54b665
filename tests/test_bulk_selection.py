"""Select many experiences, act once (issue 14, item 1): from the list to an alert, a theme, a
review or a priority's thread; from a trend signal to an alert; the cap and the scope."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import BodyKind
from concerns import services
from concerns.models import Alert, Concern, Theme, TrendSignal
from reports.models import Review
from tests.conftest import make_concern, make_priority
from tests.factories import BodyFactory

SECRET = "Nurse Jones on Ward 7 ignored my mother"


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def area_url(name: str, world, query: str = "") -> str:
    return reverse(name, args=[world.area.slug]) + (f"?{query}" if query else "")


def ward_experiences(world, n: int, *, summarised: int = 0, **overrides) -> list[Concern]:
    """n reviewed experiences about Ward 7; the first `summarised` have an approved summary."""
    ward = overrides.pop("service", None) or BodyFactory(
        locality=world.area, name="Ward 7, Testshire General", kind=BodyKind.NHS_TRUST, service_type="hospital"
    )
    made = [make_concern(world, narrative=f"{SECRET} ({i})", service=ward, **overrides) for i in range(n)]
    for concern in made[:summarised]:
        services.summary_approve(
            concern=concern, text=f"Long wait for help on the ward ({concern.pk}).", user=world.officer
        )
    return made


def logged_by(body, locality, narrative: str) -> Concern:
    """A reviewed experience collected by `body` in `locality`."""
    details = services.ConcernDetails(
        received_on=datetime.date(2026, 10, 1),
        channel="phone",
        service_type="hospital",
        sentiment="negative",
        narrative=narrative,
        status="reviewed",
    )
    return services.concern_log(locality=locality, collecting_body=body, details=details)


def ticked_ids(page: str, name: str = "concerns") -> set[int]:
    tags = re.findall(rf"<input[^>]*name=\"{name}\"[^>]*>", page)
    return {int(re.search(r'value="(\d+)"', t).group(1)) for t in tags if "checked" in t}


def shown_ids(page: str, name: str = "concerns") -> set[int]:
    return {int(v) for v in re.findall(rf"<input[^>]*name=\"{name}\"[^>]*value=\"(\d+)\"", page)}


def alert_post(concerns, attached=None, **fields) -> dict:
    return {
        "summary": "Fourteen experiences of long waits on Ward 7",
        "action_requested": "Look into staffing on Ward 7 and tell us what you will change.",
        "severity": "significant",
        "concerns": [c.pk for c in concerns],
        "attached": [c.pk for c in (attached or concerns)],
        **fields,
    }


# ---------------------------------------------------------------- select → alert


def test_an_officer_alerts_the_icb_about_fourteen_experiences_from_a_filtered_list_and_the_icb_acknowledges(
    world, login, django_capture_on_commit_callbacks
):
    ward_concerns = ward_experiences(world, 14, summarised=10)
    ward = ward_concerns[0].service
    make_concern(world, narrative="About somewhere else")  # not about the ward: filtered out
    officer = login(world.officer)
    filtered = f"service={ward.pk}"

    listing = page_text(officer.get(area_url("concerns:index", world, filtered)))
    assert "All 14 experiences matching these filters" in listing
    assert shown_ids(listing, "concern") == {c.pk for c in ward_concerns}
    assert "Raise an alert about them" in listing

    form = officer.post(area_url("concerns:selection-alert", world, filtered), {"all_matching": "yes"})
    page = page_text(form)
    assert form.status_code == 200
    assert "About 14 experiences" in page
    assert ticked_ids(page) == {c.pk for c in ward_concerns}  # all attached, each ticked
    assert SECRET not in page  # the officer sees what recipients will: summaries only
    unsummarised = ", ".join(
        c.reference for c in sorted(ward_concerns[10:], key=lambda c: (-c.received_on.toordinal(), -c.pk))
    )
    assert f"{unsummarised} have no shareable summary yet, so they are listed without words" in page

    with django_capture_on_commit_callbacks(execute=True):
        sent = officer.post(
            area_url("concerns:alert-create", world), alert_post(ward_concerns, recipients=[world.icb.pk])
        )
    alert = Alert.all_objects.get()
    assert sent.status_code == 302 and alert.concerns.count() == 14

    icb = login(world.icb_officer)
    seen = page_text(icb.get(reverse("concerns:alert-detail", args=[world.area.slug, alert.pk])))
    assert all(c.reference in seen for c in ward_concerns)
    assert seen.count("Long wait for help on the ward") == 10
    assert seen.count("No shareable summary yet") == 4
    assert SECRET not in seen
    recipient = alert.recipients.get(body=world.icb)
    icb.post(reverse("concerns:alert-acknowledge", args=[world.area.slug, alert.pk, recipient.pk]))
    recipient.refresh_from_db()
    assert recipient.state == "acknowledged"


def test_the_officer_can_untick_an_experience_before_sending_and_it_stays_on_the_page(world, login):
    chosen = ward_experiences(world, 3)
    officer = login(world.officer)
    kept, dropped = chosen[:2], chosen[2]
    problem = officer.post(
        area_url("concerns:alert-create", world),
        alert_post(kept, attached=chosen, summary="", recipients=[world.icb.pk]),
    )
    page = page_text(problem)
    assert problem.status_code == 400 and "Enter a summary of the concern" in page
    assert shown_ids(page) == {c.pk for c in chosen} and ticked_ids(page) == {c.pk for c in kept}
    officer.post(area_url("concerns:alert-create", world), alert_post(kept, attached=chosen, recipients=[world.icb.pk]))
    assert set(Alert.all_objects.get().concerns.all()) == set(kept)
    assert dropped not in Alert.all_objects.get().concerns.all()


def test_ticked_rows_are_what_the_alert_form_attaches(world, login):
    chosen = ward_experiences(world, 4)
    page = page_text(
        login(world.officer).post(area_url("concerns:selection-alert", world), {"concern": [c.pk for c in chosen[:2]]})
    )
    assert "About 2 experiences" in page and ticked_ids(page) == {c.pk for c in chosen[:2]}


# ---------------------------------------------------------------- the cap and the scope


def test_the_real_cap_is_500_with_a_clear_message_and_the_ticks_kept(world, login):
    numbers = [str(n) for n in range(1, 502)]
    refused = login(world.officer).post(area_url("concerns:selection-alert", world), {"concern": numbers})
    page = page_text(refused)
    assert refused.status_code == 400
    assert "You selected 501 experiences. You can act on up to 500 at once" in page
    assert "There is a problem" in page


def test_more_matching_experiences_than_the_cap_are_refused_and_nothing_is_lost(world, login, settings):
    settings.SELECTION_MAX = 5
    made = ward_experiences(world, 6)
    officer = login(world.officer)
    filtered = f"service={made[0].service_id}"
    every = officer.post(area_url("concerns:selection-alert", world, filtered), {"all_matching": "yes"})
    page = page_text(every)
    assert every.status_code == 400
    assert "More than 5 experiences match these filters. You can act on up to 5 at once: narrow the filters" in page
    assert re.search(r'id="all-matching"[^>]*checked', page)  # still ticked
    assert f'value="{made[0].service_id}" selected' in page or filtered in page  # the filters kept

    ticked = officer.post(area_url("concerns:selection-theme", world, filtered), {"concern": [c.pk for c in made]})
    page = page_text(ticked)
    assert ticked.status_code == 400 and "You selected 6 experiences. You can act on up to 5 at once" in page
    assert ticked_ids(page, "concern") == {c.pk for c in made}
    assert Alert.all_objects.count() == 0

    sending = officer.post(area_url("concerns:alert-create", world), alert_post(made, recipients=[world.icb.pk]))
    assert sending.status_code == 400 and "You can attach up to 5 experiences at once" in page_text(sending)
    assert Alert.all_objects.count() == 0


def test_experiences_outside_the_users_scope_are_refused_not_dropped(world, login):
    reviewed = make_concern(world)
    unreviewed = make_concern(world, status="new")
    elsewhere = logged_by(BodyFactory(locality=world.other_area), world.other_area, "Elsewhere")
    officer = login(world.officer)
    chosen = {"concern": [reviewed.pk, unreviewed.pk]}
    refused = officer.post(area_url("concerns:selection-alert", world), chosen)
    page = page_text(refused)
    assert refused.status_code == 400
    assert (
        f"1 of the 2 experiences you selected ({unreviewed.reference}) is not one you can use for this: "
        "only reviewed experiences can be shared with other bodies. Nothing was done." in page
    )
    assert ticked_ids(page, "concern") == {reviewed.pk, unreviewed.pk}  # both stay ticked: nothing lost

    foreign = officer.post(area_url("concerns:selection-alert", world), {"concern": [reviewed.pk, elsewhere.pk]})
    assert foreign.status_code == 400
    assert "1 of the 2 experiences you selected is not one you can use for this" in page_text(foreign)
    assert elsewhere.reference not in page_text(foreign)

    nothing = officer.post(area_url("concerns:selection-alert", world), {})
    assert nothing.status_code == 400 and "Select at least one experience" in page_text(nothing)
    odd = officer.post(area_url("concerns:selection-alert", world), {"concern": [reviewed.pk, "1.5"]})
    assert odd.status_code == 400 and "The selection was not understood" in page_text(odd)
    assert Alert.all_objects.count() == 0


def test_themes_are_set_only_on_experiences_the_users_body_collected(world, login):
    own = make_concern(world)
    other_body = BodyFactory(locality=world.area, name="Testshire Carers Centre")
    from tests.factories import hold

    hold("local_healthwatch", other_body)
    theirs = logged_by(other_body, world.area, "Theirs")
    refused = login(world.officer).post(area_url("concerns:selection-theme", world), {"concern": [own.pk, theirs.pk]})
    assert refused.status_code == 400
    assert "you can set themes only on experiences your body collected" in page_text(refused)
    assert own.history.count() == 1


# ---------------------------------------------------------------- theme, review, priority


def test_a_theme_set_on_many_experiences_keeps_each_ones_history(world, login):
    chosen = ward_experiences(world, 3)
    theme = Theme.all_objects.get(locality=world.area, name="Staff attitude")
    officer = login(world.officer)
    first = officer.post(area_url("concerns:selection-theme", world), {"concern": [c.pk for c in chosen]})
    page = page_text(first)
    assert first.status_code == 200 and "3 experiences selected" in page and "Theme to add" in page
    assert ticked_ids(page) == {c.pk for c in chosen}

    ids = [c.pk for c in chosen]
    done = officer.post(
        area_url("concerns:selection-theme", world),
        {"step": "act", "choice": theme.pk, "concerns": ids, "attached": ids},
        follow=True,
    )
    assert "Theme ‘Staff attitude’ added to 3 experiences." in page_text(done)
    for concern in chosen:
        concern.refresh_from_db()
        assert set(concern.themes.values_list("name", flat=True)) == {"Waiting times", "Staff attitude"}
        latest = concern.history.first()
        assert latest.theme_names == "Staff attitude; Waiting times"
        assert latest.history_user == world.officer
        assert concern.history.count() == 2

    again = officer.post(
        area_url("concerns:selection-theme", world),
        {"step": "act", "choice": theme.pk, "concerns": ids, "attached": ids},
        follow=True,
    )
    assert "added to 0 experiences (3 had it already)" in page_text(again)
    assert all(c.history.count() == 2 for c in chosen)


def test_choosing_no_theme_says_so_and_keeps_the_selection(world, login):
    chosen = ward_experiences(world, 2)
    ids = [c.pk for c in chosen]
    response = login(world.officer).post(
        area_url("concerns:selection-theme", world), {"step": "act", "concerns": ids, "attached": ids}
    )
    assert response.status_code == 400 and "Choose a theme to add" in page_text(response)
    assert ticked_ids(page_text(response)) == set(ids)


def test_selected_experiences_are_added_to_a_review(world, login):
    chosen = ward_experiences(world, 3)
    review = Review.objects.create(
        locality=world.area,
        kind="research",
        lead_body=world.healthwatch,
        topic="Ward 7 waits",
        created_by=world.officer,
    )
    officer = login(world.officer)
    listing = page_text(officer.get(area_url("concerns:index", world)))
    assert "Add them to a review" in listing
    first = officer.post(area_url("reports:selection-review", world), {"concern": [c.pk for c in chosen]})
    assert first.status_code == 200 and "Ward 7 waits" in page_text(first)
    ids = [c.pk for c in chosen]
    done = officer.post(
        area_url("reports:selection-review", world),
        {"step": "act", "choice": review.pk, "concerns": ids, "attached": ids},
        follow=True,
    )
    assert "3 experiences added to the review ‘Ward 7 waits’." in page_text(done)
    assert set(review.concerns.all()) == set(chosen)


def test_selected_experiences_are_added_to_a_priority_thread(world, login):
    chosen = ward_experiences(world, 2)
    priority = make_priority(world)
    member = login(world.board_member)
    assert "Add them to a priority" in page_text(member.get(area_url("concerns:index", world)))
    first = member.post(area_url("reports:selection-priority", world), {"concern": [c.pk for c in chosen]})
    assert first.status_code == 200 and priority.title in page_text(first)
    ids = [c.pk for c in chosen]
    done = member.post(
        area_url("reports:selection-priority", world),
        {"step": "act", "choice": priority.pk, "concerns": ids, "attached": ids},
        follow=True,
    )
    assert f"2 experiences added to the priority ‘{priority.title}’." in page_text(done)
    assert set(priority.concerns.all()) == set(chosen)
    thread = page_text(member.get(reverse("reports:priority", args=[world.area.slug, priority.pk])))
    assert chosen[0].reference in thread


def test_people_who_may_not_act_get_no_selection(world, login):
    make_concern(world)
    page = page_text(login(world.read_only).get(area_url("concerns:index", world)))
    assert 'name="concern"' not in page and "Raise an alert about them" not in page


# ---------------------------------------------------------------- trend signals


def test_a_trend_signal_offers_an_alert_with_its_experiences_attached(world, login):
    inside = ward_experiences(world, 3)  # themed "Waiting times", received 1 October 2026
    make_concern(world, received_on=inside[0].received_on.replace(month=9))  # another month
    theme = Theme.all_objects.get(locality=world.area, name="Waiting times")
    signal = TrendSignal.all_objects.create(
        locality=world.area,
        kind="theme",
        theme=theme,
        month=inside[0].received_on.replace(day=1),
        count=3,
        mean=1.0,
        upper=2.5,
        rules="a point above the upper limit",
    )
    officer = login(world.officer)
    trends = page_text(officer.get(area_url("concerns:trends", world)))
    link = area_url("concerns:alert-create", world, f"signal={signal.pk}")
    assert f'href="{link}"' in trends and "Alert about these experiences" in trends

    form = page_text(officer.get(link))
    assert ticked_ids(form) == {c.pk for c in inside}
    assert "Rise in Waiting times in October 2026" in form
    ids = [c.pk for c in inside]
    officer.post(
        area_url("concerns:alert-create", world),
        {**alert_post(inside, recipients=[world.icb.pk]), "trend_signal": signal.pk, "concerns": ids},
    )
    alert = Alert.all_objects.get()
    assert alert.trend_signal == signal and set(alert.concerns.all()) == set(inside)


# ---------------------------------------------------------------- query counts


def _queries(client, method: str, url: str, data=None) -> int:
    """Queries of the request made a second time (the first fills the caches, such as the
    service filter's list, as any earlier visit to the page would)."""
    client.get(reverse("inbox"))
    client.post(url, data) if method == "post" else client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data) if method == "post" else client.get(url)
    assert response.status_code in (200, 400)
    return len(queries)


@pytest.mark.parametrize("step", ["list", "refused", "alert form"])
def test_the_list_with_selection_makes_the_same_queries_at_n_and_10n(world, login, step):
    from tests.test_query_counts import bulk_concerns

    officer = login(world.officer)
    runs = []
    for n in (6, 54):
        bulk_concerns(world, n - len(Concern.all_objects.filter(locality=world.area)))
        ids = list(Concern.all_objects.filter(locality=world.area).values_list("pk", flat=True))
        if step == "list":
            runs.append(_queries(officer, "get", area_url("concerns:index", world)))
        elif step == "refused":
            runs.append(
                _queries(officer, "post", area_url("concerns:selection-alert", world), {"concern": [*ids, 10**9]})
            )
        else:
            runs.append(_queries(officer, "post", area_url("concerns:selection-alert", world), {"all_matching": "yes"}))
    assert runs[0] == runs[1]


def test_all_matching_is_refused_while_the_filters_are_not_understood(world, login):
    ward_experiences(world, 2)
    refused = login(world.officer).post(
        area_url("concerns:selection-alert", world, "service=999999"), {"all_matching": "yes"}
    )
    assert refused.status_code == 400
    assert "Correct the filters first, then select all the experiences that match them" in page_text(refused)


def test_an_alert_page_says_how_many_experiences_it_has_when_it_lists_only_the_newest(world, login, monkeypatch):
    from concerns import alert_views
    from tests.conftest import make_alert

    alert = make_alert(world, concerns=ward_experiences(world, 3))
    monkeypatch.setattr(alert_views, "SHOWN", 2)
    page = page_text(login(world.icb_officer).get(reverse("concerns:alert-detail", args=[world.area.slug, alert.pk])))
    assert "3 experiences; the newest 2 are listed here" in page


@pytest.mark.parametrize(
    "dates",
    [
        "received_from_1=10&received_from_2=2026&received_to_1=10&received_to_2=2026",  # the date boxes
        "received_from=2026-10-01&received_to=2026-10-31",  # an older link's dates
    ],
)
def test_all_matching_uses_the_date_filters(world, login, dates):
    october = ward_experiences(world, 3)  # received 1 October 2026
    make_concern(world, service=october[0].service, received_on=datetime.date(2026, 9, 30))
    officer = login(world.officer)
    filtered = f"service={october[0].service.pk}&{dates}"
    assert "All 3 experiences matching these filters" in page_text(
        officer.get(area_url("concerns:index", world, filtered))
    )
    form = officer.post(area_url("concerns:selection-alert", world, filtered), {"all_matching": "yes"})
    assert form.status_code == 200
    assert ticked_ids(page_text(form)) == {c.pk for c in october}
