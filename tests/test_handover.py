"""Handover plans (issue 16): drafting with clear errors, the preview of what moves where, a
record's part chosen by an administrator, and the move on the date in one transaction."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from agencies import handover, handover_services
from agencies.handover_models import CustodyChange, HandoverPlan
from agencies.handover_services import Successor
from agencies.models import Body, BodyKind, Function, FunctionHolding, FunctionPart, Membership, ResponseDuty
from concerns import alerts
from concerns.models import Alert, AlertRecipient, Concern
from reports.models import EvidenceRequest, Recommendation, Report, Review
from reports.recommendations import services as rec_services
from tests.conftest import make_alert, make_concern
from tests.factories import BodyFactory

TODAY = datetime.date(2026, 11, 30)
ON = datetime.date(2027, 4, 1)


def healthwatch_parts():
    function = Function.objects.get(code=Function.LOCAL_HEALTHWATCH)
    return function, {p.code: p for p in function.parts.all()}


def make_plan(w, on=ON, health=None, social=None) -> HandoverPlan:
    function, parts = healthwatch_parts()
    return handover_services.handover_plan_save(
        locality=w.area,
        function=function,
        takes_effect_on=on,
        successors=[
            Successor(parts["health"], health or w.icb, "Health and Care Act 2027, s.12"),
            Successor(parts["social_care"], social or w.council, "Transfer scheme TS-2027-04"),
        ],
        user=w.owner,
        today=TODAY,
    )


def open_work(w):
    """Healthwatch's open work: two alerts it raised (health, social care), one it received, a
    review, an evidence request it owes and a report with a recommendation awaiting an answer."""
    home = Body.objects.filter(name="Rose Care Home").first() or BodyFactory(
        locality=w.area, name="Rose Care Home", kind=BodyKind.CARE_HOME, service_type="care_home"
    )
    health_alert = make_alert(w, summary="Waits at the hospital", concerns=[make_concern(w)])
    care_concern = make_concern(w, service=home)
    Concern.all_objects.filter(pk=care_concern.pk).update(service_type="care_home")
    care_alert = make_alert(w, summary="Care home staffing", concerns=[care_concern])
    received = alerts.alert_raise(
        locality=w.area,
        raised_by_body=w.scrutiny,
        raised_by=w.scrutiny_officer,
        details=alerts.AlertDetails(
            summary="Tell us what you hear", action_requested="Reply", recipients=[w.healthwatch]
        ),
    )
    review = Review.objects.create(
        locality=w.area,
        kind="research",
        lead_body=w.healthwatch,
        topic="Dentistry access",
        state="in_progress",
        created_by=w.officer,
    )
    scrutiny_review = Review.objects.create(
        locality=w.area, kind="scrutiny_review", lead_body=w.scrutiny, topic="Home care", created_by=w.owner
    )
    request = rec_services.evidence_request_send(
        review=scrutiny_review,
        to_body=w.healthwatch,
        request="Gather views",
        duty=ResponseDuty.objects.filter(locality=None).first(),
        sent_on=datetime.date(2026, 11, 2),
    )
    report = rec_services.report_create(
        locality=w.area,
        issuing_body=w.healthwatch,
        title="Hospital discharge",
        summary="What people told us",
        reference_prefix=f"HW-2026-{Report.objects.count() + 1:02d}",
    )
    rec = rec_services.recommendation_issue(
        report=report,
        text="Plan discharge earlier.",
        addressed_to=w.trust,
        duty=ResponseDuty.objects.get(code="healthwatch-report", locality=None),
        sent_on=datetime.date(2026, 11, 2),
    )
    return {"health_alert": health_alert, "care_alert": care_alert, "received": received, "review": review,
            "request": request, "report": report, "rec": rec}  # fmt: skip


# ---------------------------------------------------------------- the plan and its errors


def test_a_plan_names_a_successor_and_legal_basis_for_each_part(world):
    plan = make_plan(world)
    assert {(p.part.code, p.successor, p.legal_basis[:6]) for p in plan.parts.all()} == {
        ("health", world.icb, "Health"),
        ("social_care", world.council, "Transf"),
    }


def test_a_date_in_the_past_is_refused(world):
    with pytest.raises(ValidationError) as error:
        make_plan(world, on=datetime.date(2026, 1, 1))
    assert "must be in the future" in str(error.value.message_dict["takes_effect_on"])


def test_a_successor_outside_the_area_is_refused(world):
    with pytest.raises(ValidationError) as error:
        make_plan(world, social=world.other_council)
    assert "does not serve Testshire" in str(error.value.message_dict["successor_social_care"])


def test_two_plans_for_the_same_part_and_date_are_refused_until_one_is_cancelled(world):
    first = make_plan(world)
    with pytest.raises(ValidationError) as error:
        make_plan(world)
    assert "already a handover" in str(error.value.message_dict["takes_effect_on"])
    handover_services.handover_plan_cancel(plan=first, user=world.owner)
    assert make_plan(world).state == HandoverPlan.State.PLANNED


def test_a_part_left_without_a_successor_is_a_form_error(client, world):
    client.force_login(world.owner)
    url = reverse("agencies:handover-create", args=[world.area.slug, "local_healthwatch"])
    response = client.post(url, {"takes_effect_on_0": "1", "takes_effect_on_1": "4", "takes_effect_on_2": "2027",
                                 "successor_health": world.icb.pk, "legal_basis_health": "Act"})  # fmt: skip
    assert response.status_code == 400
    assert "Select the body that will hold the social care part" in response.content.decode()
    assert not HandoverPlan.objects.exists()


def test_an_outside_successor_posted_to_the_form_is_an_error_naming_the_area(client, world):
    client.force_login(world.owner)
    url = reverse("agencies:handover-create", args=[world.area.slug, "local_healthwatch"])
    response = client.post(url, {"takes_effect_on_0": "1", "takes_effect_on_1": "4", "takes_effect_on_2": "2027",
                                 "successor_health": world.icb.pk, "legal_basis_health": "Act",
                                 "successor_social_care": world.other_council.pk,
                                 "legal_basis_social_care": "Scheme"})  # fmt: skip
    assert response.status_code == 400
    assert "it must serve Testshire" in response.content.decode()


def test_an_administrator_plans_changes_and_cancels_through_the_pages(client, world):
    client.force_login(world.owner)
    url = reverse("agencies:handover-create", args=[world.area.slug, "local_healthwatch"])
    data = {"takes_effect_on_0": "1", "takes_effect_on_1": "4", "takes_effect_on_2": "2030",
            "successor_health": world.icb.pk, "legal_basis_health": "Act",
            "successor_social_care": world.council.pk, "legal_basis_social_care": "Scheme"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    plan = HandoverPlan.objects.get()
    edit = reverse("agencies:handover-edit", args=[world.area.slug, plan.pk])
    assert client.post(edit, {**data, "takes_effect_on_2": "2031"}).status_code == 302
    plan.refresh_from_db()
    assert plan.takes_effect_on == datetime.date(2031, 4, 1)
    client.post(reverse("agencies:handover-cancel", args=[world.area.slug, plan.pk]))
    plan.refresh_from_db()
    assert plan.state == HandoverPlan.State.CANCELLED
    assert client.get(edit).status_code == 404


# ---------------------------------------------------------------- the preview


def test_the_preview_lists_each_record_under_the_part_its_services_decide(client, world):
    work = open_work(world)
    plan = make_plan(world)
    selection = handover.select(plan)
    health, social = selection.parts
    assert health.successor == world.icb and social.successor == world.council
    moving = {(k.code, line.record.pk): line.part.code for k, line in selection.moving_lines()}
    assert moving[("alert-raised", work["health_alert"].pk)] == "health"
    assert moving[("alert-raised", work["care_alert"].pk)] == "social_care"
    recipient = AlertRecipient.objects.get(alert=work["received"], body=world.healthwatch)
    assert ("alert-received", recipient.pk) in moving
    assert moving[("report", work["report"].pk)] == "health"  # to a hospital trust
    assert ("review", work["review"].pk) in moving and ("evidence-request", work["request"].pk) in moving
    staying = {g.kind.code: g.count for g in selection.staying}
    assert staying["seat"] == Membership.objects.filter(body=world.healthwatch).count()
    client.force_login(world.owner)
    page = client.get(reverse("agencies:handover", args=[world.area.slug, plan.pk])).content.decode()
    assert "Health part:" in page and "Social care part:" in page
    assert "Care home staffing" in page and work["rec"].reference in page
    assert f"{work['rec'].due_on:%-d %B %Y}" in page


def test_an_administrator_overrides_one_records_part_and_the_preview_shows_it(client, world):
    work = open_work(world)
    plan = make_plan(world)
    client.force_login(world.owner)
    _, parts = healthwatch_parts()
    url = reverse("agencies:handover-record", args=[world.area.slug, plan.pk, "alert-raised", work["health_alert"].pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"part": parts["social_care"].pk}).status_code == 302
    moving = {(k.code, ln.record.pk): ln for k, ln in handover.select(plan).moving_lines()}
    line = moving[("alert-raised", work["health_alert"].pk)]
    assert line.part.code == "social_care" and line.overridden and line.to_body == world.council
    page = client.get(reverse("agencies:handover", args=[world.area.slug, plan.pk])).content.decode()
    assert "Chosen by an administrator" in page and "Olivia Owner" in page
    client.post(url, {"part": "rule"})
    moving = {(k.code, ln.record.pk): ln for k, ln in handover.select(plan).moving_lines()}
    assert moving[("alert-raised", work["health_alert"].pk)].part.code == "health"


def test_an_alert_the_successor_already_received_stays_listed_apart(world):
    alerts.alert_raise(
        locality=world.area, raised_by_body=world.scrutiny, raised_by=world.scrutiny_officer,
        details=alerts.AlertDetails(summary="Both", action_requested="Reply", recipients=[world.healthwatch, world.icb]),
    )  # fmt: skip
    selection = handover.select(make_plan(world))
    assert not [ln for k, ln in selection.moving_lines() if k.code == "alert-received"]
    assert [g.count for g in selection.staying if g.kind.code == "alert-received"] == [1]


def test_the_preview_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    open_work(world)
    plan = make_plan(world)
    with django_assert_max_num_queries(40):
        handover.select(plan)
    open_work(world)
    with django_assert_max_num_queries(40):
        handover.select(plan)


# ---------------------------------------------------------------- the move on the date


def snapshot(w, work):
    recipient = AlertRecipient.objects.get(alert=work["received"], body__in=[w.healthwatch, w.icb, w.council])
    return {
        "raised": list(Alert.all_objects.filter(pk__in=[work["health_alert"].pk, work["care_alert"].pk])
                       .order_by("pk").values_list("raised_by_body", flat=True)),
        "received": (recipient.body_id, recipient.due_on),
        "review": Review.objects.get(pk=work["review"].pk).lead_body_id,
        "request": EvidenceRequest.objects.filter(pk=work["request"].pk).values_list("to_body", "due_on").get(),
        "report": Report.objects.get(pk=work["report"].pk).issuing_body_id,
        "rec_due": Recommendation.objects.get(pk=work["rec"].pk).due_on,
        "holdings": FunctionHolding.objects.filter(function__code="local_healthwatch").count(),
    }  # fmt: skip


def test_on_the_date_open_work_moves_to_each_parts_successor_with_every_deadline_unchanged(world):
    work = open_work(world)
    plan = make_plan(world)
    before = snapshot(world, work)
    counts = handover.select(plan).counts()
    lines = len(list(handover.select(plan).moving_lines()))
    assert handover_services.handovers_run(ON - datetime.timedelta(days=1)) == 0
    assert handover_services.handovers_run(ON) == 1
    after = snapshot(world, work)
    assert after["raised"] == [world.icb.pk, world.council.pk]
    assert after["received"] == (world.icb.pk, before["received"][1])
    assert after["review"] == world.icb.pk and after["report"] == world.icb.pk
    assert after["request"] == (world.icb.pk, before["request"][1])
    assert after["rec_due"] == before["rec_due"]
    plan.refresh_from_db()
    assert plan.state == HandoverPlan.State.DONE and plan.moved == counts
    assert CustodyChange.objects.filter(plan=plan).count() == lines
    change = CustodyChange.objects.get(kind="review", record_id=work["review"].pk)
    assert (change.from_body, change.to_body, change.on) == (world.healthwatch, world.icb, ON)
    holdings = FunctionHolding.objects.filter(function__code="local_healthwatch", locality=world.area)
    assert holdings.get(body=world.healthwatch).ends_on == ON - datetime.timedelta(days=1)
    assert holdings.get(body=world.icb).part.code == "health"
    assert holdings.get(body=world.council).part.code == "social_care"
    assert Body.objects.filter(pk=world.healthwatch.pk).exists()  # nothing deleted


def test_a_rerun_or_a_second_scheduler_does_nothing(world):
    open_work(world)
    plan = make_plan(world)
    assert handover_services.handovers_run(ON) == 1
    client = Client()
    client.force_login(world.owner)
    page = client.get(reverse("agencies:handover", args=[world.area.slug, plan.pk])).content.decode()
    assert "Open alerts it raised" in page and "Done" in page
    changes = CustodyChange.objects.count()
    holdings = FunctionHolding.objects.count()
    assert handover_services.handovers_run(ON) == 0
    assert handover_services.handover_perform(plan.pk, ON) is None
    assert (CustodyChange.objects.count(), FunctionHolding.objects.count()) == (changes, holdings)


def test_a_worker_killed_mid_move_leaves_nothing_moved_and_the_next_run_does_it_all(world, monkeypatch):
    work = open_work(world)
    plan = make_plan(world)
    before = snapshot(world, work)
    real = handover.kind("review")

    def dies(ids, from_body, to_body):
        raise SystemExit("worker killed")  # after the alerts moved (reviews come later)

    monkeypatch.setitem(
        handover._KINDS, "review", handover.Kind(real.code, real.label, real.find, dies, order=real.order)
    )
    with pytest.raises(SystemExit):
        handover_services.handover_perform(plan.pk, ON)
    assert snapshot(world, work) == before
    plan.refresh_from_db()
    assert plan.state == HandoverPlan.State.PLANNED and not CustodyChange.objects.exists()
    monkeypatch.setitem(handover._KINDS, "review", real)
    assert handover_services.handovers_run(ON) == 1
    assert snapshot(world, work)["review"] == world.icb.pk


def test_the_job_is_in_the_beat_schedule():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["run-handovers"]["task"] == "agencies.tasks.run_handovers"


def test_a_cancelled_plan_never_runs(world):
    plan = make_plan(world)
    handover_services.handover_plan_cancel(plan=plan, user=world.owner)
    assert handover_services.handovers_run(ON) == 0
    assert not FunctionPart.objects.filter(holdings__isnull=False).exists()


def test_after_the_move_reminders_about_an_alert_received_go_to_the_successor(world):
    from agencies.models import Notification

    work = open_work(world)
    make_plan(world)
    handover_services.handovers_run(ON)
    Notification.objects.all().delete()
    assert alerts.alerts_chase(ON) > 0
    chased = Notification.objects.filter(related_type="alert", related_id=work["received"].pk)
    assert chased.filter(to_email=world.icb.contact_email).exists()
    assert not chased.filter(to_email=world.healthwatch.contact_email).exists()


def test_moved_records_pages_say_who_held_them_before(client, world):
    work = open_work(world)
    make_plan(world)
    handover_services.handovers_run(ON)
    client.force_login(world.owner)
    alert_page = client.get(reverse("concerns:alert-detail", args=[world.area.slug, work["health_alert"].pk]))
    text = alert_page.content.decode()
    assert "Raised by Healthwatch Testshire until 31 March 2027, then by NHS Testshire ICB" in text
    client.force_login(world.scrutiny_officer)
    review_page = client.get(reverse("reports:review", args=[world.area.slug, work["review"].pk]))
    assert "Led by Healthwatch Testshire until 31 March 2027, then by NHS Testshire ICB" in review_page.content.decode()


def test_the_areas_audit_trail_shows_the_plan_and_its_parts(client, world):
    make_plan(world)
    client.force_login(world.owner)
    page = client.get(reverse("agencies:audit", args=[world.area.slug])).content.decode()
    assert "Handover plan" in page and "Handover of a part" in page
