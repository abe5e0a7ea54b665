"""A handover starts each successor's self-assessment of the duties it holds from the date: the
preview lists them, and the job creates them, not started, once."""

from __future__ import annotations

from django.urls import reverse

from agencies import handover, handover_services
from agencies.models import AssessmentStatus, Duty, DutyAssessment, Function
from tests.test_handover import ON, make_plan


def lhw_duties() -> list[Duty]:
    return list(Duty.objects.filter(function__code=Function.LOCAL_HEALTHWATCH).order_by("number"))


def test_the_preview_lists_the_self_assessments_each_successor_will_start(client, world):
    duties = lhw_duties()
    assert duties, "the guide's local Healthwatch duties are loaded"
    plan = make_plan(world)
    DutyAssessment.objects.create(locality=world.area, duty=duties[0], body=world.icb, status=AssessmentStatus.EMBEDDED)
    by_part = {pp.successor: pp.duties_to_assess for pp in handover.select(plan).parts}
    assert by_part[world.icb] == duties[1:]  # the one it has already assessed is not restarted
    assert by_part[world.council] == duties
    client.force_login(world.owner)
    text = client.get(reverse("agencies:handover", args=[world.area.slug, plan.pk])).content.decode()
    assert f"Self-assessments {world.council.name} will start" in text
    assert f"Duty {duties[-1].number}:" in text


def test_on_the_date_the_job_starts_each_successors_self_assessments_once(world):
    duties = lhw_duties()
    plan = make_plan(world)
    assert handover_services.handovers_run(ON) == 1
    for body in (world.icb, world.council):
        mine = DutyAssessment.objects.filter(locality=world.area, body=body)
        assert sorted(mine.values_list("duty_id", flat=True)) == sorted(d.pk for d in duties)
        assert set(mine.values_list("status", flat=True)) == {AssessmentStatus.NOT_STARTED}
    count = DutyAssessment.objects.count()
    assert handover_services.handovers_run(ON) == 0
    assert handover_services.handover_perform(plan.pk, ON) is None
    assert DutyAssessment.objects.count() == count
