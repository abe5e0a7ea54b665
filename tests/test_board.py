"""The board's view: priorities, the dashboard and its figures, referrals, the Quality
Surveillance Group, board packs, the weekly digest and the landing pages."""

from __future__ import annotations

import datetime
import html
import io
import re

import docx
import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from agencies.models import Notification, Role
from concerns import spc, summaries
from concerns.models import MonthlyCount
from reports.board import dashboard
from reports.board import services as board
from reports.models import BoardPack, Priority, Referral, Review, SurveillanceView
from tests.conftest import make_alert, make_concern, make_priority, make_recommendation
from tests.factories import MembershipFactory, UserFactory


def page_text(response) -> str:
    """What a person reads: the page without its markup, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


# ---------------------------------------------------------------- variation and assurance, in words


@pytest.mark.parametrize(
    ("values", "better", "code"),
    [
        ([10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 40], "lower", "concerning"),
        ([10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 40], "higher", "improving"),
        ([10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 10], "lower", "common"),
        ([10, 11, 40], "lower", "too_few"),
        ([10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 40], None, "high"),
    ],
)
def test_variation_is_said_in_words_from_the_latest_point(values, better, code):
    verdict = dashboard.variation(spc.xmr(values), better)
    assert verdict.code == code
    assert verdict.text  # the words go on the page beside the icon
    if code == "too_few":
        assert "3 of 12 months" in verdict.text


@pytest.mark.parametrize(
    ("target", "better", "code"),
    [
        (100, "lower", "pass"),  # every likely month is below 100
        (1, "lower", "fail"),  # every likely month is above 1
        (10, "lower", "hit_and_miss"),
        (1, "higher", "pass"),
        (100, "higher", "fail"),
    ],
)
def test_assurance_compares_the_target_with_the_process_limits(target, better, code):
    result = spc.xmr([10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 10])
    assert dashboard.assurance(result, target, better).code == code


def test_no_assurance_without_a_target_or_with_too_few_points():
    assert dashboard.assurance(spc.xmr([1, 2, 3] * 4), None, "lower") is None
    assert dashboard.assurance(spc.xmr([1, 2, 3]), 2, "lower") is None


# ---------------------------------------------------------------- monthly counts


def test_monthly_counts_match_the_concerns_and_follow_changes(world):
    with time_machine.travel(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC), tick=False):
        make_concern(world, received_on=datetime.date(2026, 9, 3), safeguarding=True)
        make_concern(world, received_on=datetime.date(2026, 9, 20))
        make_concern(world, received_on=datetime.date(2026, 10, 1))
        make_concern(world, received_on=datetime.date(2026, 10, 2), status="new")  # not counted until reviewed
        state = summaries.state_for(world.area.pk)
        assert state.is_stale
        summaries.refresh(world.area.pk)
        counts = {
            (row.dimension, row.month): row.count
            for row in MonthlyCount.objects.filter(locality=world.area, key__in=["", str(world.trust.pk)])
        }
        assert counts[("total", datetime.date(2026, 9, 1))] == 2
        assert counts[("total", datetime.date(2026, 10, 1))] == 1
        assert counts[("safeguarding", datetime.date(2026, 9, 1))] == 1
        assert counts[("service", datetime.date(2026, 9, 1))] == 2
        assert not summaries.state_for(world.area.pk).is_stale
        # A rebuild with nothing changed writes the same rows again.
        before = MonthlyCount.objects.filter(locality=world.area).count()
        summaries.refresh(world.area.pk)
        assert MonthlyCount.objects.filter(locality=world.area).count() == before
        make_concern(world, received_on=datetime.date(2026, 10, 5))
        assert summaries.stale_areas() == [world.area.pk]
        assert summaries.refresh_stale() == 1
        october = MonthlyCount.objects.get(locality=world.area, dimension="total", month=datetime.date(2026, 10, 1))
        assert october.count == 2


def test_a_change_during_a_rebuild_leaves_the_area_marked_for_the_next(world, monkeypatch):
    make_concern(world)
    real_rows = summaries._rows

    def rows_then_a_new_concern(locality_id):
        rows = real_rows(locality_id)
        summaries.mark_changed(locality_id)  # a concern logged while the rebuild was counting
        return rows

    monkeypatch.setattr(summaries, "_rows", rows_then_a_new_concern)
    summaries.refresh(world.area.pk)
    assert summaries.state_for(world.area.pk).is_stale


# ---------------------------------------------------------------- the dashboard


def dashboard_url(world, period=None):
    url = reverse("reports:dashboard", args=[world.area.slug])
    return f"{url}?period={period}" if period else url


def test_the_dashboard_shows_each_priority_with_its_figure_and_what_it_means(world, login):
    make_priority(
        world,
        title="Children waiting for assessment",
        figures=[10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 40],
        target=20,
    )
    make_priority(world, title="Dementia diagnosis", status="on_track")
    text = page_text(login(world.read_only).get(dashboard_url(world)))
    assert "Children waiting for assessment" in text
    assert "Some concerns" in text and "On track" in text  # status tags carry words
    assert "Special cause variation: concerning (higher)" in text
    # Limits 2.1 to 23.4 (mean 12.75, mean moving range 4): a target of 20 is met only sometimes.
    assert "Hit and miss: the target lies within the process limits" in text
    assert "No figure yet" in text
    assert 'role="img"' in response_html(login(world.read_only), dashboard_url(world))


def response_html(client, url) -> str:
    return client.get(url).content.decode()


def test_every_chart_has_a_text_alternative_and_a_data_table(world, login):
    priority = make_priority(world, figures=[5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 5, 6, 14])
    client = login(world.read_only)
    html = response_html(client, reverse("reports:priority-chart", args=[world.area.slug, priority.pk]))
    assert "<desc" in html and "XmR chart of Patients waiting over 4 hours: 13 months" in html
    last_month = dashboard.chart_months(timezone.localdate())[-1]
    assert f"Special cause variation in {last_month:%b %Y} (unusually high: beyond the upper limit)." in html
    assert "app-chart__special--concerning" in html  # lower is better, so a rise is a concern
    text = page_text(client.get(reverse("reports:priority-chart", args=[world.area.slug, priority.pk])))
    assert "Data for the chart" in text
    # the special-cause month is named in words that say why
    assert f"{last_month:%b %Y} 14 unusually high: beyond the upper limit" in text
    assert "Process limits 1.7 to 11.0" in text


@pytest.mark.django_db(transaction=True)  # the rebuild moves the figures version on commit, as in production
def test_concern_figures_on_the_dashboard_come_from_the_monthly_counts(world, login):
    today = timezone.localdate()
    last = dashboard.chart_months(today)[-1]
    for day in (3, 4, 5):
        make_concern(world, received_on=last.replace(day=day), safeguarding=day == 3)
    client = login(world.read_only)
    text = page_text(client.get(dashboard_url(world)))
    assert "3 counted (previous 3 months" in text
    assert "1 safeguarding concern " in text
    assert "Waiting times" in text and "new (was 0)" in text
    assert "so the previous period is not complete" in text
    # A new concern shows once the counts are rebuilt (here at once: no worker runs in tests).
    make_concern(world, received_on=last.replace(day=6))
    assert "4 counted (previous 3 months" in page_text(client.get(dashboard_url(world)))


def test_alerts_and_recommendations_show_what_is_overdue_by_body(world, login):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC), tick=False):
        make_alert(world)  # to the ICB and scrutiny, 5 working days to acknowledge
        rec = make_recommendation(world, sent_on=datetime.date(2026, 10, 1))  # due 29 October
    with time_machine.travel(datetime.datetime(2026, 11, 26, 9, tzinfo=datetime.UTC), tick=False):
        text = page_text(login(world.read_only).get(dashboard_url(world)))
    assert "1 alert raised" in text
    assert "0% acknowledged on time (0 of 2); 0 not yet due" in text
    assert "2 overdue now" in text
    assert "NHS Testshire ICB 1 0 of 1 0 1 1 overdue" in text  # received, on time, not yet due, waiting, overdue
    # The recommendation was due on 29 October: 28 days past the deadline on 26 November.
    assert f"{rec.reference} NHS Testshire ICB 29 Oct 2026 28" in text  # (its prefix carries a database id)


def test_quality_system_health_sets_self_assessment_beside_activity(world, login):
    from agencies.models import Duty, DutyAssessment

    DutyAssessment.objects.create(
        locality=world.area, duty=Duty.objects.get(number=13), status="embedded", owner=world.officer
    )
    DutyAssessment.objects.create(
        locality=world.area, duty=Duty.objects.get(number=9), status="established", owner=world.owner
    )
    make_alert(world)
    text = page_text(login(world.read_only).get(dashboard_url(world)))
    assert "1 alert raised" in text
    assert "1 to commissioners, 1 to the board or scrutiny" in text
    # Duty 9 (the QSG's work) says established, yet nothing was recorded: a visible gap.
    assert "Assessed as established, but no activity recorded this period" in text
    assert "Not assessed yet" in text


def test_the_dashboard_is_computed_once_and_recomputed_when_something_changes(
    world, login, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    priority = make_priority(world, title="Falls in care homes")
    client = login(world.read_only)
    assert "Some concerns" in page_text(client.get(dashboard_url(world)))
    with django_assert_max_num_queries(8):  # session, user, seats, area, counts state: the rest is cached
        client.get(dashboard_url(world))
    board_client = login(world.board_member)
    with django_capture_on_commit_callbacks(execute=True):  # the figures version moves on commit
        response = board_client.post(
            reverse("reports:priority-progress", args=[world.area.slug, priority.pk]),
            {"status": "off_track", "progress": "Falls rose again."},
        )
    assert response.status_code == 302
    text = page_text(login(world.read_only).get(dashboard_url(world)))
    assert "Not on track" in text and "Falls rose again." in text


def test_a_period_outside_the_choices_falls_back_to_three_months(world, login):
    response = login(world.read_only).get(dashboard_url(world, "999"))
    assert response.status_code == 200
    assert '<option value="3" selected>Last 3 months</option>' in response.content.decode()


# ---------------------------------------------------------------- priorities


def test_a_board_member_adds_a_priority_and_bad_input_names_the_field(world, login):
    client = login(world.board_member)
    url = reverse("reports:priority-create", args=[world.area.slug])
    response = client.post(
        url,
        {
            "title": "Access to dentists",
            "why": "No NHS dentist takes new adults.",
            "owner_body": world.icb.pk,
            "agreed_on_0": "1",
            "agreed_on_1": "10",
            "agreed_on_2": "2026",
            "status": "on_track",
            "measure": "theme",
            "better": "lower",
            "target": "lots",
        },
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Enter the target as a number, like 40" in text
    assert not Priority.objects.exists()
    response = client.post(
        url,
        {
            "title": "Access to dentists",
            "why": "No NHS dentist takes new adults.",
            "owner_body": world.icb.pk,
            "agreed_on_0": "1",
            "agreed_on_1": "10",
            "agreed_on_2": "2026",
            "status": "on_track",
            "measure": "theme",
            "better": "lower",
        },
    )
    assert response.status_code == 400
    assert "Select the theme whose concerns the board will follow" in page_text(response)
    from concerns.models import Theme

    theme = Theme.all_objects.get(locality=world.area, name="Access")
    response = client.post(
        url,
        {
            "title": "Access to dentists",
            "why": "No NHS dentist takes new adults.",
            "owner_body": world.icb.pk,
            "agreed_on_0": "1",
            "agreed_on_1": "10",
            "agreed_on_2": "2026",
            "status": "on_track",
            "measure": "theme",
            "measure_theme": theme.pk,
            "better": "lower",
        },
    )
    assert response.status_code == 302
    priority = Priority.objects.get()
    assert priority.measure_theme == theme and priority.created_by == world.board_member


def test_the_thread_links_a_priority_back_to_the_concerns_behind_it(world, login):
    priority = make_priority(world)
    concern = make_concern(world)
    alert = make_alert(world)
    rec = make_recommendation(world)
    client = login(world.board_member)
    url = reverse("reports:priority-link", args=[world.area.slug, priority.pk])
    response = client.post(url, {"concern_refs": f"{concern.reference}, C-999999"})
    assert response.status_code == 400
    assert "No reviewed experience you can see has the reference C-999999" in page_text(response)
    assert priority.concerns.count() == 0  # nothing half-linked
    response = client.post(
        url,
        {"concern_refs": concern.reference, "alert_refs": alert.reference, "recommendation_refs": rec.reference},
    )
    assert response.status_code == 302
    text = page_text(client.get(reverse("reports:priority", args=[world.area.slug, priority.pk])))
    assert concern.reference in text and alert.reference in text and rec.reference in text
    html = client.get(reverse("reports:priority", args=[world.area.slug, priority.pk])).content.decode()
    assert reverse("concerns:detail", args=[world.area.slug, concern.pk]) in html
    # The concern itself opens for a board member: only its approved shareable summary.
    concern_url = reverse("concerns:detail", args=[world.area.slug, concern.pk])
    concern_page = page_text(client.get(concern_url))
    assert "Waited six hours" not in concern_page and "Pat Patient" not in concern_page
    assert "No shareable summary yet" in concern_page
    from concerns.services import summary_approve

    summary_approve(concern=concern, text="A long wait in the emergency department.", user=world.officer)
    assert "A long wait in the emergency department." in page_text(client.get(concern_url))


def test_an_empty_link_form_says_what_to_enter(world, login):
    priority = make_priority(world)
    response = login(world.board_member).post(reverse("reports:priority-link", args=[world.area.slug, priority.pk]))
    assert response.status_code == 400
    assert "Enter at least one reference, or select a review or a rise" in page_text(response)


def test_actions_become_overdue_and_can_be_marked_done(world, login, django_capture_on_commit_callbacks):
    priority = make_priority(world)
    client = login(world.board_member)
    url = reverse("reports:priority-action-add", args=[world.area.slug, priority.pk])
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC), tick=False):
        response = client.post(
            url,
            {"action": "Audit the discharge lounge", "owner_body": world.trust.pk, "due_on_0": "1",
             "due_on_1": "11", "due_on_2": "2026"},
        )  # fmt: skip
        assert response.status_code == 400
        assert "The date it is due must be today or in the future" in page_text(response)
        client.post(
            url,
            {"action": "Audit the discharge lounge", "owner_body": world.trust.pk, "due_on_0": "20",
             "due_on_1": "11", "due_on_2": "2026"},
        )  # fmt: skip
    action = priority.actions.get()
    with time_machine.travel(datetime.datetime(2026, 11, 26, 9, tzinfo=datetime.UTC), tick=False):
        text = page_text(client.get(reverse("reports:priority", args=[world.area.slug, priority.pk])))
        assert "Audit the discharge lounge" in text and "Overdue" in text
        assert "1 action overdue" in page_text(client.get(dashboard_url(world)))
        with django_capture_on_commit_callbacks(execute=True):  # the figures version moves on commit
            client.post(reverse("reports:priority-action-done", args=[world.area.slug, priority.pk, action.pk]))
        action.refresh_from_db()
        assert action.done_on == datetime.date(2026, 11, 26)
        assert "action overdue" not in page_text(client.get(dashboard_url(world)))


def test_hand_entered_figures_are_corrected_not_duplicated(world, login):
    priority = make_priority(world, figures=[5, 6])
    client = login(world.board_member)
    url = reverse("reports:priority-figures", args=[world.area.slug, priority.pk])
    last = dashboard.chart_months(timezone.localdate())[-1]
    response = client.post(url, {"month_0": "15", "month_1": str(last.month), "month_2": str(last.year), "value": "9"})
    assert response.status_code == 302
    assert priority.figures.count() == 2
    assert priority.figures.get(month=last).value == 9
    response = client.post(url, {"month_0": "1", "month_1": "1", "month_2": "2031", "value": "x"})
    assert response.status_code == 400
    text = page_text(response)
    assert "Enter the figure as a number, like 42" in text
    response = client.post(url, {"month_0": "1", "month_1": "1", "month_2": "2031", "value": "5"})
    assert "The month must be this month or earlier" in page_text(response)
    response = client.post(url, {"month_0": "1", "month_1": str(last.month), "month_2": str(last.year), "value": "-5"})
    assert response.status_code == 400
    assert "Enter a figure of 0 or more" in page_text(response)
    assert priority.figures.get(month=last).value == 9


# ---------------------------------------------------------------- referrals: asked, not imposed


def _refer(world, login, priority, to=None, **extra):
    """The board member refers the priority through the form; returns the referral."""
    url = reverse("reports:priority-refer", args=[world.area.slug, priority.pk])
    response = login(world.board_member).post(
        url, {"to_body": (to or world.scrutiny).pk, "question": "Why are people kept in hospital when well?", **extra}
    )
    assert response.status_code == 302
    return Referral.objects.get(priority=priority)


def test_a_referral_reaches_scrutiny_as_a_suggestion_and_adds_nothing_to_its_programme(world, login):
    priority = make_priority(world, title="Discharge delays")
    priority.concerns.add(make_concern(world))
    client = login(world.board_member)
    url = reverse("reports:priority-refer", args=[world.area.slug, priority.pk])
    response = client.post(url, {"to_body": world.trust.pk, "question": "Why?"})
    assert response.status_code == 400
    assert "Select who to refer it to from the list" in page_text(response)
    response = client.post(
        url,
        {"to_body": world.scrutiny.pk, "question": "Why are people kept in hospital when they are well?",
         "report_by_0": "31", "report_by_1": "3", "report_by_2": "2027"},
        follow=True,
    )  # fmt: skip
    assert "Suggested to Testshire Scrutiny Committee" in page_text(response)
    referral = Referral.objects.get()
    assert referral.state == Referral.State.SUGGESTED and referral.review is None
    assert not Review.objects.exists() and not priority.reviews.exists()
    text = page_text(response)  # the priority page says it waits for their answer
    assert "Suggested Waiting for Testshire Scrutiny Committee to accept or decline it." in text
    # The scrutiny officer is told, in the app and by email, once, with a link to the suggestion.
    told = Notification.objects.filter(user=world.scrutiny_officer, kind="referral")
    assert sorted(told.values_list("channel", flat=True)) == ["email", "inbox"]
    suggestion = reverse("reports:referral", args=[world.area.slug, referral.pk])
    assert {n.link for n in told} == {suggestion}
    assert "nothing has been added to it" in told.get(channel="email").body
    # On their landing page it is a suggestion; their reviews list has no review for it.
    officer = login(world.scrutiny_officer)
    text = page_text(officer.get(reverse("reports:scrutiny-home", args=[world.area.slug])))
    assert "Suggested by the board Discharge delays" in text and "31 March 2027" in text
    assert "Yours to accept or decline" in text
    assert "Discharge delays" not in page_text(officer.get(reverse("reports:reviews", args=[world.area.slug])))


def test_the_scrutiny_officer_declines_with_reasons_and_the_board_reads_them(world, login):
    from concerns.services import summary_approve

    priority = make_priority(world, title="Discharge delays")
    concern = make_concern(world, narrative="Mrs Black was kept in for nine days after she was well.")
    summary_approve(concern=concern, text="Kept in hospital nine days after being well.", user=world.officer)
    priority.concerns.add(concern)
    referral = _refer(world, login, priority)
    officer = login(world.scrutiny_officer)
    page = reverse("reports:referral", args=[world.area.slug, referral.pk])
    text = page_text(officer.get(page))
    # The question and the evidence, de-identified: the shareable summary, never the narrative.
    assert "Why are people kept in hospital when well?" in text
    assert "Kept in hospital nine days after being well." in text and "Mrs Black" not in text
    assert "Accept and add a planned review" in text and "Your reasons for declining" in text
    decline = reverse("reports:referral-decline", args=[world.area.slug, referral.pk])
    refused = officer.post(decline, {"reasons": "  "})
    assert refused.status_code == 400
    assert "There is a problem" in page_text(refused) and "Enter your reasons for declining" in page_text(refused)
    referral.refresh_from_db()
    assert referral.state == Referral.State.SUGGESTED
    reasons = "The committee's work programme for this year is full; we will look again in April."
    done = officer.post(decline, {"reasons": reasons}, follow=True)
    assert "Declined. The board is told, with your reasons." in page_text(done)
    referral.refresh_from_db()
    assert referral.state == Referral.State.DECLINED and referral.answered_by == world.scrutiny_officer
    assert referral.reasons == reasons and not Review.objects.exists()
    # The board's members are told once, and read the reasons on the priority's page.
    told = Notification.objects.filter(kind="referral-answer", channel="email")
    assert {n.user for n in told} >= {world.board_member, world.read_only}
    assert told.filter(user=world.board_member).count() == 1 and reasons in told.get(user=world.board_member).body
    text = page_text(login(world.read_only).get(reverse("reports:priority", args=[world.area.slug, priority.pk])))
    assert "Declined Testshire Scrutiny Committee declined it on" in text and reasons in text
    # Both the suggestion and its answer are in the audit trail, said in words.
    audit = page_text(login(world.owner).get(reverse("agencies:audit", args=[world.area.slug])))
    record = "Discharge delays referred to Testshire Scrutiny Committee"
    assert f"Bea Board Created referral: {record}" in audit
    assert f"Sara Scrutiny Changed referral: {record}" in audit
    assert "state: ‘Suggested’ → ‘Declined’" in audit and f"reasons for declining: ‘blank’ → ‘{reasons}’" in audit


def test_accepting_starts_a_review_in_their_own_programme_with_the_evidence_attached(world, login):
    from concerns.models import TrendSignal

    priority = make_priority(world, title="Discharge delays")
    concern, alert = make_concern(world), make_alert(world)
    signal = TrendSignal.all_objects.create(
        locality=world.area, kind="theme", theme=concern.themes.first(), month=datetime.date(2026, 9, 1),
        count=14, mean=5, upper=11, rules="beyond the upper limit",
    )  # fmt: skip
    priority.concerns.add(concern)
    priority.alerts.add(alert)
    priority.trend_signals.add(signal)
    referral = _refer(world, login, priority, report_by_0="31", report_by_1="3", report_by_2="2027")
    officer = login(world.scrutiny_officer)
    response = officer.post(reverse("reports:referral-accept", args=[world.area.slug, referral.pk]), follow=True)
    review = Review.objects.get()
    assert response.redirect_chain[-1][0] == reverse("reports:review", args=[world.area.slug, review.pk])
    assert "is in your programme as a planned review" in page_text(response)
    assert review.lead_body == world.scrutiny and review.kind == Review.Kind.SCRUTINY_REVIEW
    assert review.state == Review.State.PLANNED and review.ends_on == datetime.date(2027, 3, 31)
    assert review.created_by == world.scrutiny_officer
    assert list(review.concerns.all()) == [concern] and list(review.alerts.all()) == [alert]
    assert list(review.trend_signals.all()) == [signal]
    assert priority.reviews.filter(pk=review.pk).exists()
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED and referral.review == review
    assert "Discharge delays" in page_text(officer.get(reverse("reports:reviews", args=[world.area.slug])))
    assert Notification.objects.filter(user=world.board_member, kind="referral-answer", channel="inbox").count() == 1
    text = page_text(login(world.board_member).get(reverse("reports:priority", args=[world.area.slug, priority.pk])))
    assert "Accepted Testshire Scrutiny Committee accepted it on" in text and "review planned" in text


def test_a_second_answer_is_refused_with_a_clear_message_and_changes_nothing(world, login):
    priority = make_priority(world, title="Discharge delays")
    referral = _refer(world, login, priority)
    officer = login(world.scrutiny_officer)
    accept = reverse("reports:referral-accept", args=[world.area.slug, referral.pk])
    decline = reverse("reports:referral-decline", args=[world.area.slug, referral.pk])
    officer.post(accept)
    again = officer.post(accept, follow=True)
    assert "This suggestion was already accepted by Sara Scrutiny on" in page_text(again)
    assert "Nothing was changed." in page_text(again)
    assert "Accept and add a planned review" not in page_text(again)  # no buttons left to press
    late = officer.post(decline, {"reasons": "No time."}, follow=True)
    assert "This suggestion was already accepted by Sara Scrutiny" in page_text(late)
    referral.refresh_from_db()
    assert referral.state == Referral.State.ACCEPTED and referral.reasons == "" and Review.objects.count() == 1
    assert Notification.objects.filter(user=world.board_member, kind="referral-answer", channel="email").count() == 1


def test_two_tabs_answering_at_once_record_one_answer(world, login):
    """Both tabs loaded the suggestion before either answered: the first answer wins, the second
    is refused and its review (made in the same transaction) does not stay behind."""
    from django.core.exceptions import ValidationError

    from reports.board import referrals

    referral = _refer(world, login, make_priority(world))
    first, second = Referral.objects.get(), Referral.objects.get()  # two stale copies, both "suggested"
    referrals.referral_decline(referral=first, user=world.scrutiny_officer, reasons="Full programme.")
    with pytest.raises(ValidationError) as refused:
        referrals.referral_accept(referral=second, user=world.scrutiny_officer)
    assert refused.value.code == referrals.ANSWERED
    assert "already declined" in refused.value.messages[0]
    assert not Review.objects.exists()
    referral.refresh_from_db()
    assert referral.state == Referral.State.DECLINED and referral.reasons == "Full programme."


def test_only_officers_of_the_receiving_body_answer_it(world, login):
    """The board that suggested it, another review body's officer, the area's administrator and
    read-only members are refused (403); an outsider is not told it exists (404)."""
    referral = _refer(world, login, make_priority(world))
    accept = reverse("reports:referral-accept", args=[world.area.slug, referral.pk])
    decline = reverse("reports:referral-decline", args=[world.area.slug, referral.pk])
    for person in (world.board_member, world.officer, world.owner, world.read_only):
        client = login(person)
        assert client.post(accept).status_code == 403, person
        assert client.post(decline, {"reasons": "No."}).status_code == 403, person
        assert "Accept and add a planned review" not in page_text(
            client.get(reverse("reports:referral", args=[world.area.slug, referral.pk]))
        )
    outsider = login(world.outsider)
    assert outsider.post(accept).status_code == 404
    assert outsider.get(reverse("reports:referral", args=[world.area.slug, referral.pk])).status_code == 404
    referral.refresh_from_db()
    assert referral.state == Referral.State.SUGGESTED and not Review.objects.exists()


def test_referral_in_the_past_is_refused_with_a_reason(world):
    from django.core.exceptions import ValidationError

    from reports.board import referrals

    priority = make_priority(world)
    with pytest.raises(ValidationError) as error:
        referrals.referral_make(
            priority=priority, user=world.board_member, to_body=world.healthwatch, question="Q",
            report_by=datetime.date(2020, 1, 1),
        )  # fmt: skip
    assert "must be in the future" in str(error.value)
    assert not Referral.objects.exists()


def test_referrals_follow_the_healthwatch_function_to_the_council_that_took_it_on(world, login):
    """Referral targets follow the function held today, not a body's kind: once the council
    holds local Healthwatch (and Healthwatch's holding has ended), the council is offered, its
    people are asked, and accepting starts a research project; Healthwatch is no longer offered."""
    from agencies.models import Function, FunctionHolding
    from tests.factories import hold

    today = timezone.localdate()
    FunctionHolding.objects.filter(body=world.healthwatch, function__code=Function.LOCAL_HEALTHWATCH).update(
        ends_on=today - datetime.timedelta(days=1)
    )
    hold(Function.LOCAL_HEALTHWATCH, world.council, starts_on=today)
    priority = make_priority(world, title="Carers' breaks")
    client = login(world.board_member)
    url = reverse("reports:priority-refer", args=[world.area.slug, priority.pk])
    form = page_text(client.get(url))
    assert world.council.name in form and world.scrutiny.name in form
    assert world.healthwatch.name not in form
    refused = client.post(url, {"to_body": world.healthwatch.pk, "question": "Why?"})
    assert refused.status_code == 400
    referral = _refer(world, login, priority, to=world.council)
    assert Notification.objects.filter(user=world.owner, kind="referral").exists()  # the council's administrator
    login(world.owner).post(reverse("reports:referral-accept", args=[world.area.slug, referral.pk]))
    review = Referral.objects.get().review
    assert review.lead_body == world.council and review.kind == Review.Kind.RESEARCH


def test_referrals_made_before_they_were_suggestions_count_as_accepted(world):
    """The migration: a referral that already started its review is 'accepted', in its history
    too (so the audit trail shows no change that never happened)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("reports.migrations.0008_referrals_are_suggestions")
    priority = make_priority(world)
    review = Review.objects.create(
        locality=world.area, kind="scrutiny_review", lead_body=world.scrutiny, topic="T", created_by=world.owner
    )
    old = Referral.objects.create(priority=priority, to_body=world.scrutiny, question="Q", review=review,
                                  referred_by=world.board_member)  # fmt: skip
    waiting = Referral.objects.create(
        priority=priority, to_body=world.healthwatch, question="Q", referred_by=world.board_member
    )
    migration.existing_referrals_were_accepted(apps, None)
    old.refresh_from_db()
    waiting.refresh_from_db()
    assert old.state == Referral.State.ACCEPTED and old.answered_at == old.created_at
    assert old.history.get().state == Referral.State.ACCEPTED
    assert waiting.state == Referral.State.SUGGESTED


# ---------------------------------------------------------------- Quality Surveillance Group


def test_the_groups_latest_view_of_each_provider_sits_on_the_dashboard(world, login):
    client = login(world.icb_officer)
    url = reverse("reports:surveillance-record", args=[world.area.slug])
    response = client.post(
        url,
        {"provider": world.trust.pk, "level": "enhanced", "decided_on_0": "1", "decided_on_1": "1",
         "decided_on_2": "2035", "summary": "Two serious incidents."},
    )  # fmt: skip
    assert response.status_code == 400
    assert "must be today or in the past" in page_text(response)
    for day, level in ((1, "routine"), (12, "risk_summit")):
        response = client.post(
            url,
            {"provider": world.trust.pk, "level": level, "decided_on_0": str(day), "decided_on_1": "11",
             "decided_on_2": "2026", "summary": f"View of {level}."},
        )  # fmt: skip
        assert response.status_code == 302
    assert SurveillanceView.objects.count() == 2
    text = page_text(login(world.board_member).get(dashboard_url(world)))
    assert "Risk summit" in text and "View of risk_summit." in text
    assert "View of routine." not in text  # only the latest view of each provider
    assert "2 Quality Surveillance Group views recorded" in text


def test_the_dashboards_qsg_section_shows_a_new_view_and_a_renamed_provider_at_once(
    world, login, django_capture_on_commit_callbacks
):
    """The section is cached apart from the body; a view recorded, or a provider renamed (one
    whose home is another area, so this area's figures do not move), shows on the very next
    visit once the change commits."""
    from agencies.models import BodyArea, BodyKind
    from tests.factories import BodyFactory

    provider = BodyFactory(locality=world.shared_area, name="Sharedshire Community Trust", kind=BodyKind.PROVIDER)
    BodyArea.objects.create(body=provider, locality=world.area, starts_on=datetime.date(2020, 1, 1))
    board = login(world.board_member)
    assert "No views from the group recorded yet." in page_text(board.get(dashboard_url(world)))
    with django_capture_on_commit_callbacks(execute=True):
        SurveillanceView.objects.create(
            locality=world.area, provider=provider, level="enhanced", decided_on=datetime.date(2026, 11, 1),
            summary="Staffing on the wards.", recorded_by=world.icb_officer,
        )  # fmt: skip
    text = page_text(board.get(dashboard_url(world)))
    assert "Staffing on the wards." in text and "Sharedshire Community Trust" in text
    with django_capture_on_commit_callbacks(execute=True):
        provider.name = "Sharedshire and Testshire Community Trust"
        provider.save()
    row = '<th scope="row" class="govuk-table__header">Sharedshire and Testshire Community Trust</th>'
    assert row in board.get(dashboard_url(world)).content.decode()


def _trust_officer(world):
    return MembershipFactory(body=world.trust, role=Role.OFFICER, user=UserFactory(full_name="Tom Trust")).user


def test_a_trust_officer_and_an_observer_see_no_qsg_views(world, login):
    """The group's views go only to board members and ICB or QSG officers: the same cached
    dashboard shows them to a board member and hides them from a trust's officer and from the
    board's read-only observer, whose QSG page is refused."""
    SurveillanceView.objects.create(
        locality=world.area, provider=world.trust, level="risk_summit", decided_on=datetime.date(2026, 11, 1),
        summary="Never-events in theatres.", recorded_by=world.icb_officer,
    )  # fmt: skip
    shown = page_text(login(world.board_member).get(dashboard_url(world)))
    assert "Risk summit" in shown and "Never-events in theatres." in shown
    for person in (_trust_officer(world), world.read_only, world.officer, world.scrutiny_officer, world.owner):
        client = login(person)
        text = page_text(client.get(dashboard_url(world)))
        assert "Risk summit" not in text and "Never-events" not in text, person
        assert "Quality Surveillance Group</a>" not in client.get(dashboard_url(world)).content.decode()
        assert client.get(reverse("reports:surveillance", args=[world.area.slug])).status_code == 403, person
    assert login(world.icb_officer).get(reverse("reports:surveillance", args=[world.area.slug])).status_code == 200


def test_the_read_only_member_cannot_record_a_qsg_view(world, login):
    response = login(world.read_only).get(reverse("reports:surveillance-record", args=[world.area.slug]))
    assert response.status_code == 403


# ---------------------------------------------------------------- board packs


def test_one_click_builds_a_board_pack_with_a_printable_page_and_a_pdf(
    world, login, django_capture_on_commit_callbacks
):
    make_priority(world, title="Winter pressures", figures=[4, 5, 6, 5, 7])
    client = login(world.board_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:board-packs", args=[world.area.slug]),
            {"meeting_on_0": "10", "meeting_on_1": "12", "meeting_on_2": "2026"},
        )
    pack = BoardPack.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/board-packs/{pack.pk}/")
    pack.refresh_from_db()
    assert pack.state == BoardPack.State.READY, pack.error  # built in-process: no broker in tests
    text = page_text(client.get(response["Location"]))
    assert "Board pack for the meeting on 10 December 2026" in text
    assert "Winter pressures" in text and "Duty coverage" in text and "What is overdue" in text
    pdf = client.get(reverse("reports:board-pack-pdf", args=[world.area.slug, pack.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    body = b"".join(pdf.streaming_content)
    assert body.startswith(b"%PDF") and len(body) > 5_000
    # A second build of the same pack does nothing (only the run that claims it builds).
    assert board.board_pack_build(pack.pk) is None


def test_the_qsg_views_go_only_in_part_b_which_an_observer_cannot_see_or_download(world, login):
    SurveillanceView.objects.create(
        locality=world.area, provider=world.trust, level="risk_summit", decided_on=datetime.date(2026, 11, 1),
        summary="Never-events in theatres.", recorded_by=world.icb_officer,
    )  # fmt: skip
    pack = BoardPack.objects.create(
        locality=world.area, meeting_on=datetime.date(2026, 12, 10), requested_by=world.board_member
    )
    pack = board.board_pack_build(pack.pk)
    assert pack.state == BoardPack.State.READY, pack.error
    assert (
        "Never-events" not in pack.html
        and "Risk summit" not in pack.html
        and "Surveillance Group</h2>" not in pack.html
    )
    assert "Never-events in theatres." in pack.part_b_html and "Risk summit" in pack.part_b_html
    assert "Schedule 12A to the Local Government Act 1972, paragraph 3" in pack.part_b_html
    part_a_pdf = pack.pdf.open("rb").read()
    part_b_pdf = pack.part_b_pdf.open("rb").read()
    assert part_a_pdf.startswith(b"%PDF") and part_b_pdf.startswith(b"%PDF")
    pack_url = reverse("reports:board-pack", args=[world.area.slug, pack.pk])
    part_b_urls = [
        reverse("reports:board-pack-part-b-pdf", args=[world.area.slug, pack.pk]),
        reverse("reports:board-pack-part-b-docx", args=[world.area.slug, pack.pk]),
    ]
    member = login(world.board_member)
    text = page_text(member.get(pack_url))
    assert "Part B: not for publication" in text and "Never-events in theatres." in text
    assert all(member.get(url).status_code == 200 for url in part_b_urls)
    part_b_doc = docx.Document(io.BytesIO(member.get(part_b_urls[1]).content))
    assert any("Never-events in theatres." in p.text for p in part_b_doc.paragraphs)
    for person in (world.read_only, _trust_officer(world)):
        client = login(person)
        text = page_text(client.get(pack_url))
        assert "Board pack for the meeting on 10 December 2026" in text  # Part A, public
        assert "Never-events" not in text and "Risk summit" not in text and "Part B: not for" not in text
        assert all(client.get(url).status_code == 403 for url in part_b_urls), person
        part_a_doc = docx.Document(
            io.BytesIO(client.get(reverse("reports:board-pack-docx", args=[world.area.slug, pack.pk])).content)
        )
        assert not any("Never-events" in p.text for p in part_a_doc.paragraphs)


def test_a_pack_with_no_qsg_views_has_no_part_b(world, login):
    pack = BoardPack.objects.create(
        locality=world.area, meeting_on=datetime.date(2026, 12, 10), requested_by=world.board_member
    )
    pack = board.board_pack_build(pack.pk)
    assert pack.part_b_html == "" and not pack.part_b_pdf
    url = reverse("reports:board-pack-part-b-pdf", args=[world.area.slug, pack.pk])
    assert login(world.board_member).get(url).status_code == 404


def test_a_board_pack_downloads_as_a_real_word_document_with_its_headings_tables_and_figures(world, login):
    make_priority(world, title="Winter pressures", figures=[5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 5, 6, 14])
    make_recommendation(world, sent_on=datetime.date(2026, 6, 1))  # overdue by now
    pack = BoardPack.objects.create(
        locality=world.area, meeting_on=datetime.date(2026, 12, 10), requested_by=world.board_member
    )
    board.board_pack_build(pack.pk)
    client = login(world.read_only)
    assert "download it for Word (.docx)" in page_text(
        client.get(reverse("reports:board-pack", args=[world.area.slug, pack.pk]))
    )
    response = client.get(reverse("reports:board-pack-docx", args=[world.area.slug, pack.pk]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == 'attachment; filename="board-pack-testshire-2026-12-10.docx"'
    doc = docx.Document(io.BytesIO(response.content))  # python-docx opens it: a real .docx
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:4] == [
        ("Heading 1", "Board pack for the meeting on 10 December 2026"),
        ("Heading 2", "1. Summary"),
        ("Heading 2", "2. Priorities"),
        ("Heading 3", "Winter pressures"),
    ]
    assert [text for style, text in headings if style == "Heading 2"][2:] == [
        "3. What is overdue", "4. People's experiences", "5. Duty coverage"
    ]  # fmt: skip
    paragraphs = [p.text for p in doc.paragraphs]
    assert "1 open priority." in paragraphs  # the summary's figures, as bullets
    assert "Special cause variation: concerning (higher)" in paragraphs  # the words, not the icon
    tables = {t.rows[0].cells[0].text: [[c.text for c in row.cells] for row in t.rows] for t in doc.tables}
    chart = tables["Month"]  # the chart as the table of its figures, month by month
    months = dashboard.chart_months(timezone.localdate())[-13:]
    assert chart[0] == ["Month", "Figure", "Special cause"] and len(chart) == 14
    assert chart[1] == [f"{months[0]:%b %Y}", "5", ""]
    assert chart[-1] == [f"{months[-1]:%b %Y}", "14", "Unusually high"]
    assert any(p.startswith("XmR chart of Patients waiting over 4 hours: 13 months") for p in paragraphs)
    overdue = tables["Reference"]
    assert overdue[0] == ["Reference", "To", "Was due", "Days overdue"] and len(overdue) == 2
    assert len(tables["Duty"]) == 22  # the guide's 21 duties and the header


def test_a_pack_not_yet_built_has_no_word_document(world, login):
    pack = BoardPack.objects.create(
        locality=world.area, meeting_on=datetime.date(2026, 12, 10), requested_by=world.board_member
    )
    response = login(world.read_only).get(reverse("reports:board-pack-docx", args=[world.area.slug, pack.pk]))
    assert response.status_code == 404


def test_a_pack_that_cannot_be_made_says_why_and_how_to_fix_it(
    world, login, monkeypatch, django_capture_on_commit_callbacks
):
    from reports.board import pack_render

    def no_pango(html):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pack_render, "pdf_from", no_pango)
    client = login(world.board_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:board-packs", args=[world.area.slug]),
            {"meeting_on_0": "10", "meeting_on_1": "12", "meeting_on_2": "2026"},
        )
    pack = BoardPack.objects.get()
    assert pack.state == BoardPack.State.FAILED
    text = page_text(client.get(reverse("reports:board-pack", args=[world.area.slug, pack.pk])))
    assert "The pack could not be built" in text and "apt-get install libpango-1.0-0" in text


def test_a_pack_whose_worker_died_is_built_again_by_the_sweep(world):
    from reports.tasks import sweep_board_packs

    pack = BoardPack.objects.create(
        locality=world.area,
        meeting_on=datetime.date(2026, 12, 10),
        requested_by=world.board_member,
        state=BoardPack.State.BUILDING,
        started_at=timezone.now() - datetime.timedelta(hours=1),
    )
    BoardPack.objects.filter(pk=pack.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert sweep_board_packs() == 1
    pack.refresh_from_db()
    assert pack.state == BoardPack.State.READY


# ---------------------------------------------------------------- weekly digest


def test_the_weekly_digest_goes_once_a_week_to_board_members_who_asked(world):
    world.board_member.weekly_digest = True
    world.board_member.save()
    world.officer.weekly_digest = True  # not a board member: the option is not theirs
    world.officer.save()
    make_priority(world, title="Carers' breaks")
    today = timezone.localdate()
    assert board.weekly_digests_send(today) == 1
    assert board.weekly_digests_send(today) == 0  # a second run that week adds nothing
    digest = Notification.objects.get(kind="weekly-digest")
    assert digest.user == world.board_member
    assert "New priorities: Carers' breaks" in digest.body
    assert reverse("reports:dashboard", args=[world.area.slug]) in digest.body
    assert board.weekly_digests_send(today + datetime.timedelta(days=7)) == 1


def test_board_members_opt_in_on_their_settings_page(world, login):
    client = login(world.board_member)
    url = reverse("notification-settings")
    assert "weekly email" in page_text(client.get(url))
    response = client.post(url, {"notification_mode": "immediate", "weekly_digest": "on"})
    assert response.status_code == 302
    world.board_member.refresh_from_db()
    assert world.board_member.weekly_digest is True


def test_the_weekly_digest_names_qsg_views_only_to_board_members_not_observers(world):
    SurveillanceView.objects.create(
        locality=world.area, provider=world.trust, level="enhanced", decided_on=timezone.localdate(),
        summary="Two serious incidents.", recorded_by=world.icb_officer,
    )  # fmt: skip
    for person in (world.board_member, world.read_only):
        person.weekly_digest = True
        person.save()
    assert board.weekly_digests_send(timezone.localdate()) == 2
    member = Notification.objects.get(kind="weekly-digest", user=world.board_member)
    observer = Notification.objects.get(kind="weekly-digest", user=world.read_only)
    assert "Quality Surveillance Group: Testshire Hospitals NHS Trust – enhanced surveillance" in member.body
    assert "Quality Surveillance Group" not in observer.body and "surveillance" not in observer.body


# ---------------------------------------------------------------- landing pages


def test_each_body_lands_on_its_own_work(world, login):
    text = page_text(login(world.officer).get(reverse("home")))
    html = login(world.officer).get(reverse("home")).content.decode()
    assert reverse("reports:healthwatch-home", args=[world.area.slug]) in html
    assert "Healthwatch work: experiences, alerts and requests" in text
    html = login(world.scrutiny_officer).get(reverse("home")).content.decode()
    assert reverse("reports:scrutiny-home", args=[world.area.slug]) in html
    html = login(world.board_member).get(reverse("home")).content.decode()
    assert reverse("reports:dashboard", args=[world.area.slug]) in html


def test_the_scrutiny_landing_page_shows_what_is_due_this_week(world, login):
    with time_machine.travel(datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC), tick=False):
        due_soon = make_recommendation(world, sent_on=datetime.date(2026, 10, 1))  # due 29 October
        late = make_recommendation(world, sent_on=datetime.date(2026, 9, 1))  # due 29 September
    with time_machine.travel(datetime.datetime(2026, 10, 27, 9, tzinfo=datetime.UTC), tick=False):
        text = page_text(login(world.scrutiny_officer).get(reverse("reports:scrutiny-home", args=[world.area.slug])))
    due_part = text[text.index("Responses due this week") : text.index("Overdue responses")]
    assert due_soon.reference in due_part and late.reference not in due_part
    overdue_part = text[text.index("Overdue responses") : text.index("Responses to follow up")]
    assert late.reference in overdue_part


def test_the_healthwatch_landing_page_shows_alerts_not_acknowledged_in_time(world, login):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC), tick=False):
        alert = make_alert(world)
    with time_machine.travel(datetime.datetime(2026, 11, 26, 9, tzinfo=datetime.UTC), tick=False):
        text = page_text(login(world.officer).get(reverse("reports:healthwatch-home", args=[world.area.slug])))
    assert f"{alert.reference} to NHS Testshire ICB: was due 9 November" in text
    # One alert, waiting with both bodies it went to: one alert (its list shows one row).
    assert "1 of your alerts waiting for acknowledgement" in text


def test_error_summary_links_reach_an_element_on_the_page(world, login):
    """Each link in the error summary points at an element that exists (the first radio of a
    group, the day box of a date), so following it moves focus to the field."""
    priority = make_priority(world)
    response = login(world.board_member).post(reverse("reports:priority-refer", args=[world.area.slug, priority.pk]))
    html = response.content.decode()
    summary = html[
        html.index("govuk-error-summary__list") : html.index("</ul>", html.index("govuk-error-summary__list"))
    ]
    anchors = re.findall(r'href="#([^"]+)"', summary)
    assert anchors == ["id_to_body_1", "id_question"]
    for anchor in anchors:
        assert f'id="{anchor}"' in html


def test_people_with_one_seat_land_on_their_work_when_they_sign_in(world, client):
    from tests.factories import TEST_PASSWORD

    for user, landing in (
        (world.board_member, reverse("reports:dashboard", args=[world.area.slug])),
        (world.scrutiny_officer, reverse("reports:scrutiny-home", args=[world.area.slug])),
        (world.officer, reverse("reports:healthwatch-home", args=[world.area.slug])),
        (world.owner, reverse("home")),  # the council's administrator: no single place of work
    ):
        client.logout()
        response = client.post(reverse("sign-in"), {"username": user.email, "password": TEST_PASSWORD})
        assert response.status_code == 302 and response["Location"] == landing, user
    # An explicit destination wins.
    client.logout()
    response = client.post(
        reverse("sign-in") + "?next=/inbox/", {"username": world.board_member.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/inbox/"
