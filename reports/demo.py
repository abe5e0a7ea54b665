"""A scrutiny review with five recommendations to three bodies (part of `seed_demo`).

Idempotent. One trust answered through its link; the council executive has missed its
two-month deadline, so the chase has something to do.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from agencies.demo import JOINT_COMMITTEE, DemoArea
from agencies.models import ResponseDuty

from .models import Recommendation, Report, Review
from .recommendations import services

RECOMMENDATIONS = [
    # text, body, duty, days before today sent, response (decision, plan, days after sent) or None
    (
        "Publish A&E waiting times weekly on the trust's website.",
        "Northmoor Hospitals NHS Foundation Trust",
        "health-scrutiny-nhs",
        40,
        ("accepted", "Weekly figures from January, with a plain-English summary.", 21),
    ),
    (
        "Set a maximum four-hour wait for ambulance handovers and report breaches to the committee.",
        "North Region Ambulance Service NHS Trust",
        "health-scrutiny-nhs",
        20,
        None,
    ),
    (
        "Commission extra urgent care capacity for the winter months.",
        "NHS Northmoor and Eastvale Integrated Care Board",
        "health-scrutiny-nhs",
        10,
        None,
    ),
    (
        "Fund a discharge-to-assess service across the county.",
        "Northmoor County Council Cabinet",
        "scrutiny-executive",
        75,
        None,
    ),
    (
        "Report quarterly on delayed transfers of care to the health and wellbeing board.",
        "NHS Northmoor and Eastvale Integrated Care Board",
        "health-scrutiny-nhs",
        35,
        (
            "partially_accepted",
            "Quarterly reports from April; monthly is not possible with current data.",
            24,
        ),
    ),
]

# Who answered for each body (through the emailed link).
RESPONDERS = {
    "Northmoor Hospitals NHS Foundation Trust": "Dr Anna Price, Medical Director",
    "NHS Northmoor and Eastvale Integrated Care Board": "Sarah Okoye, Director of Nursing",
}


def seed(area: DemoArea) -> int:
    locality = area.northmoor
    if Review.objects.filter(locality=locality).exists():
        return Recommendation.objects.filter(locality=locality).count()
    today = timezone.localdate()
    committee = area.bodies["Northmoor Health Overview and Scrutiny Committee"]
    officer = area.people["scrutiny.officer"]
    review = services.review_create(
        locality=locality,
        lead_body=committee,
        created_by=officer,
        kind=Review.Kind.SCRUTINY_REVIEW,
        topic="Urgent and emergency care this winter",
        scope="Waiting times in A&E, ambulance handovers and hospital discharge.",
        state=Review.State.REPORTED,
        starts_on=today - datetime.timedelta(days=150),
        ends_on=today - datetime.timedelta(days=80),
    )
    report = services.report_create(
        locality=locality,
        issuing_body=committee,
        review=review,
        title="Urgent and emergency care this winter",
        summary="People told Healthwatch and the committee about long waits in A&E, ambulances queuing "
        "outside the hospital and people kept in hospital because care at home was not ready.",
        reference_prefix=f"HOSC-{today.year}-01",
    )
    for text, body_name, duty_code, days_ago, response in RECOMMENDATIONS:
        rec = services.recommendation_issue(
            report=report,
            text=text,
            addressed_to=area.bodies[body_name],
            duty=ResponseDuty.objects.get(code=duty_code, locality=None),
            sent_on=today - datetime.timedelta(days=days_ago),
        )
        if response:
            services.response_record(
                recommendation=rec,
                decision=response[0],
                reasons="",
                action_plan=response[1],
                target_date=today + datetime.timedelta(days=90),
                name=RESPONDERS.get(body_name, "Demo responder"),
                via_link=True,
                responded_on=rec.sent_on + datetime.timedelta(days=response[2]),
            )
    services.report_publish(report=report, on=today - datetime.timedelta(days=75))
    return len(RECOMMENDATIONS)


JOINT_TOPIC = "Moving hyperacute stroke services to Northmoor General Hospital"


def seed_joint(area: DemoArea) -> int:
    """The joint committee's review of a service change affecting both areas: a published
    report with one recommendation to the trust, in Northmoor's and Eastvale's trackers and
    public pages. Idempotent (found by its topic); dates relative to today."""
    if area.eastvale is None or Review.objects.filter(topic=JOINT_TOPIC).exists():
        return 0
    today = timezone.localdate()
    committee = area.bodies[JOINT_COMMITTEE]
    both = [area.northmoor, area.eastvale]
    review = services.review_create(
        locality=area.northmoor,
        lead_body=committee,
        created_by=area.people["joint.officer"],
        areas=both,
        kind=Review.Kind.SERVICE_CHANGE,
        topic=JOINT_TOPIC,
        scope="The trust proposes to treat every stroke in its first 72 hours at Northmoor General Hospital, "
        "closing the stroke unit at Eastvale Community Hospital. The committee looks at travel times, "
        "ambulance cover and rehabilitation close to home for people in both areas.",
        state=Review.State.REPORTED,
        starts_on=today - datetime.timedelta(days=120),
        ends_on=today - datetime.timedelta(days=40),
    )
    report = services.report_create(
        locality=area.northmoor,
        issuing_body=committee,
        review=review,
        areas=both,
        title="Stroke services for Northmoor and Eastvale",
        summary="The committee supports a single hyperacute stroke unit but heard that people in Eastvale "
        "worry about travel times for families and about rehabilitation once they leave hospital.",
        reference_prefix=f"JHOSC-{today.year}-01",
    )
    services.recommendation_issue(
        report=report,
        text="Before the change, publish ambulance travel times from every part of Eastvale to Northmoor "
        "General Hospital, and a plan for stroke rehabilitation close to home in both areas.",
        addressed_to=area.bodies["Northmoor Hospitals NHS Foundation Trust"],
        duty=ResponseDuty.objects.get(code="health-scrutiny-nhs", locality=None),
        sent_on=today - datetime.timedelta(days=18),
    )
    services.report_publish(report=report, on=today - datetime.timedelta(days=18))
    return 1


# ---------------------------------------------------------------- the board's demo

PRIORITIES = [
    # title, why, owner, measure, better, target
    (
        "Waiting times for urgent and emergency care",
        "People tell Healthwatch about long waits in A&E and for ambulances, and the scrutiny committee's "
        "winter review found the same. The board agreed to follow this until waits fall.",
        "Northmoor Hospitals NHS Foundation Trust",
        "theme:Waiting times",
        "lower",
        None,
    ),
    (
        "Access to GP appointments",
        "Getting through on the phone at 8am is the commonest complaint about primary care.",
        "NHS Northmoor and Eastvale Integrated Care Board",
        "theme:Access",
        "lower",
        "30",
    ),
    (
        "Children waiting for mental health assessment",
        "Families wait too long for a first assessment by children's mental health services.",
        "Northmoor Mental Health NHS Trust",
        "manual:Children waiting over 18 weeks for a first assessment",
        "lower",
        "60",
    ),
]

# A manual series with a real shift: steady, then rising for the last 8 months.
CHILDREN_WAITING = [92, 88, 95, 90, 86, 93, 89, 91, 87, 94, 90, 97, 102, 108, 111, 117, 121, 126, 130, 134]


def seed_board(area: DemoArea) -> int:
    """Three priorities with figures, actions, progress and a thread; the QSG's views."""
    from concerns.models import Alert, Concern, Theme, TrendSignal
    from concerns.selectors import last_complete_month, month_starts

    from .board import services as board
    from .models import Priority, PriorityAction, SurveillanceView

    locality = area.northmoor
    if Priority.objects.filter(locality=locality).exists():
        return Priority.objects.filter(locality=locality).count()
    today = timezone.localdate()
    chair = area.people["hwb.chair"]
    themes = {t.name: t for t in Theme.all_objects.filter(locality=locality)}
    made = []
    for title, why, owner, measure, better, target in PRIORITIES:
        kind, _, detail = measure.partition(":")
        fields = {
            "title": title,
            "why": why,
            "owner_body": area.bodies[owner],
            "status": Priority.Status.SOME_CONCERNS,
            "measure": kind,
            "measure_name": detail if kind == "manual" else f"Concerns about {detail.lower()} each month",
            "measure_theme": themes.get(detail) if kind == "theme" else None,
            "measure_service": None,
            "better": better,
            "target": target,
            "agreed_on": today - datetime.timedelta(days=200),
        }
        made.append(board.priority_save(locality=locality, user=chair, **fields))
    urgent, gp, children = made
    months = month_starts(last_complete_month(today), len(CHILDREN_WAITING))
    for month, value in zip(months, CHILDREN_WAITING, strict=True):
        board.figure_record(priority=children, user=chair, month=month, value=value)
    board.priority_update_add(
        priority=urgent,
        user=chair,
        status=Priority.Status.OFF_TRACK,
        progress="Concerns about waiting times rose sharply in the last three months. The trust is reporting "
        "to the next meeting on its winter plan.",
    )
    board.priority_update_add(
        priority=gp,
        user=chair,
        status=Priority.Status.ON_TRACK,
        progress="The ICB's new online booking went live in two practices; concerns have steadied.",
    )
    board.priority_update_add(
        priority=children,
        user=chair,
        status=Priority.Status.OFF_TRACK,
        progress="Waits have risen for eight months in a row. The board asked for a recovery plan.",
    )
    PriorityAction.objects.create(
        priority=urgent,
        action="Present the winter plan for A&E to the board",
        owner_body=area.bodies["Northmoor Hospitals NHS Foundation Trust"],
        due_on=today + datetime.timedelta(days=14),
        created_by=chair,
    )
    PriorityAction.objects.create(
        priority=children,
        action="Publish a recovery plan for first assessments",
        owner_body=area.bodies["Northmoor Mental Health NHS Trust"],
        due_on=today - datetime.timedelta(days=10),
        created_by=chair,
    )
    waiting = themes.get("Waiting times")
    board.thread_link(
        priority=urgent,
        concerns=list(
            Concern.all_objects.counted()
            .filter(locality=locality, theme_tags__theme=waiting)
            .order_by("-received_on")[:6]
        ),
        alerts=list(Alert.all_objects.filter(locality=locality, theme=waiting)[:2]),
        recommendations=list(Recommendation.objects.filter(locality=locality)[:3]),
        reviews=list(Review.objects.filter(locality=locality)[:1]),
        signals=list(TrendSignal.all_objects.filter(locality=locality, theme=waiting)[:1]),
    )
    qsg_recorder = area.people.get("icb.officer", chair)
    for provider, level, days, summary in (
        (
            "Northmoor Hospitals NHS Foundation Trust",
            "enhanced",
            20,
            "Enhanced surveillance because of A&E waits and two serious incidents; CQC to revisit in the new year.",
        ),
        (
            "Northmoor Mental Health NHS Trust",
            "routine",
            20,
            "Routine monitoring; waiting lists for children's services noted for the next meeting.",
        ),
        ("North Region Ambulance Service NHS Trust", "routine", 110, "Routine monitoring."),
    ):
        SurveillanceView.objects.create(
            locality=locality,
            provider=area.bodies[provider],
            level=level,
            decided_on=today - datetime.timedelta(days=days),
            summary=summary,
            recorded_by=qsg_recorder,
        )
    return len(made)


# ---------------------------------------------------------------- a report still in draft

DRAFT_TITLE = "Leaving hospital: discharge and care at home"


def seed_lifecycle(area: DemoArea) -> int:
    """A scrutiny report still in draft: two recommendations not yet agreed or sent (no clock
    runs), and one sent on paper a month ago and since withdrawn, with its reason. Idempotent
    (found by its title); dates relative to today."""
    from .recommendations import lifecycle

    locality = area.northmoor
    if Report.objects.filter(locality=locality, title=DRAFT_TITLE).exists():
        return 0
    today = timezone.localdate()
    committee = area.bodies["Northmoor Health Overview and Scrutiny Committee"]
    nhs = ResponseDuty.objects.get(code="health-scrutiny-nhs", locality=None)
    report = services.report_create(
        locality=locality,
        issuing_body=committee,
        title=DRAFT_TITLE,
        summary="People waited days in hospital for care at home to be arranged, and some went home "
        "without the equipment they needed.",
        reference_prefix=f"HOSC-{today.year}-02",
    )
    lifecycle.recommendation_draft(
        report=report,
        text="Agree one discharge plan with each person and their carer before the day they leave.",
        addressed_to=area.bodies["Northmoor Hospitals NHS Foundation Trust"],
        duty=nhs,
    )
    lifecycle.recommendation_draft(
        report=report,
        text="Fund enough home care hours to meet the winter's discharges without waits.",
        addressed_to=area.bodies["Northmoor County Council Cabinet"],
        duty=ResponseDuty.objects.get(code="scrutiny-executive", locality=None),
    )
    sent = services.recommendation_issue(
        report=report,
        text="Publish how long people wait in hospital once they are well enough to leave.",
        addressed_to=area.bodies["NHS Northmoor and Eastvale Integrated Care Board"],
        duty=nhs,
        sent_on=today - datetime.timedelta(days=30),
    )
    lifecycle.recommendation_withdraw(
        recommendation=sent,
        reason="The ICB began publishing these figures monthly before the committee met.",
        on=today - datetime.timedelta(days=12),
    )
    return 3


# ---------------------------------------------------------------- the programmes' own work

SERVICE_CHANGE_TOPIC = "Overnight urgent care at Riverside: the ICB's proposal to replace the walk-in service"
RESEARCH_TOPIC = "Getting a GP appointment in Northmoor"
ENTER_AND_VIEW_TOPIC = "Enter and View: two care homes in Northmoor"

CARE_HOME_RECOMMENDATIONS = [
    # text, care home, response (decision, plan), days from the due date it was answered
    (
        "Give every resident a choice of when to get up and go to bed, and record it in their care plan.",
        "Willow Court Care Home",
        ("accepted", "Care plans reviewed with each resident and family by the end of next month."),
        -6,
    ),
    (
        "Fix the call bells in the east wing and check response times every week.",
        "Beechwood House Nursing Home",
        ("accepted", "New call bell system fitted; weekly checks reported to the manager's meeting."),
        7,
    ),
]


def seed_programmes(area: DemoArea) -> int:
    """The scrutiny committee's review of a proposed service change, Healthwatch's research
    project (with how its priority was consulted on) and Healthwatch's Enter and View report to
    two care homes, answered under the 20-working-day rule, one on time and one late. Each is
    made once (found by its topic); dates are relative to today. Returns how many it made."""
    made = 0
    for topic, seed_one in (
        (SERVICE_CHANGE_TOPIC, _service_change),
        (RESEARCH_TOPIC, _research),
        (ENTER_AND_VIEW_TOPIC, _enter_and_view),
    ):
        if not Review.objects.filter(locality=area.northmoor, topic=topic).exists():
            seed_one(area, timezone.localdate())
            made += 1
    return made


def _service_change(area: DemoArea, today: datetime.date) -> None:
    services.review_create(
        locality=area.northmoor,
        lead_body=area.bodies["Northmoor Health Overview and Scrutiny Committee"],
        created_by=area.people["scrutiny.officer"],
        kind=Review.Kind.SERVICE_CHANGE,
        topic=SERVICE_CHANGE_TOPIC,
        scope="The ICB proposes to close the Riverside walk-in centre from 8pm to 8am and book people into "
        "urgent care through NHS 111 instead. It has told the committee this is a substantial variation. "
        "The committee will hear from the ICB, Healthwatch and people who use the centre at night before "
        "it comments on the consultation.",
        state=Review.State.IN_PROGRESS,
        starts_on=today - datetime.timedelta(days=14),
        ends_on=today + datetime.timedelta(days=49),
    )


def _research(area: DemoArea, today: datetime.date) -> None:
    from concerns.models import Concern

    services.review_create(
        locality=area.northmoor,
        lead_body=area.bodies["Healthwatch Northmoor"],
        created_by=area.people["healthwatch.officer"],
        kind=Review.Kind.RESEARCH,
        topic=RESEARCH_TOPIC,
        scope="What stops people getting a GP appointment when they need one: phone queues at 8am, online "
        "booking, and who is left out. A survey, four focus groups and visits to every practice.",
        priority_consultation="We asked people which issues we should look into this year: 412 answered our "
        "survey, and we held sessions with the Carers Network and the Disability Forum. Getting a GP "
        "appointment came first, named by 58% of people. Our board agreed the priority in public.",
        state=Review.State.IN_PROGRESS,
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=60),
        concerns=list(
            Concern.all_objects.counted()
            .filter(locality=area.northmoor, theme_tags__theme__name="Access", service__service_type="gp")
            .order_by("-received_on")[:8]
        ),
    )


def _enter_and_view(area: DemoArea, today: datetime.date) -> None:
    healthwatch = area.bodies["Healthwatch Northmoor"]
    sent_on = today - datetime.timedelta(days=50)
    review = services.review_create(
        locality=area.northmoor,
        lead_body=healthwatch,
        created_by=area.people["healthwatch.officer"],
        kind=Review.Kind.ENTER_AND_VIEW,
        topic=ENTER_AND_VIEW_TOPIC,
        scope="Announced visits by trained volunteers to Willow Court and Beechwood House, talking with "
        "residents, families and staff.",
        state=Review.State.REPORTED,
        starts_on=today - datetime.timedelta(days=90),
        ends_on=sent_on,
    )
    report = services.report_create(
        locality=area.northmoor,
        issuing_body=healthwatch,
        review=review,
        title="Enter and View visits to Willow Court and Beechwood House",
        summary="Residents were warm about the staff in both homes. At Willow Court people had little say "
        "over their day; at Beechwood House call bells in the east wing went unanswered for up to 20 minutes.",
        reference_prefix=f"HWN-{today.year}-01",
    )
    for text, home, (decision, plan), answered_after_due in CARE_HOME_RECOMMENDATIONS:
        rec = services.recommendation_issue(
            report=report,
            text=text,
            addressed_to=area.bodies[home],
            duty=ResponseDuty.objects.get(code="healthwatch-report", locality=None),
            sent_on=sent_on,
        )
        services.response_record(
            recommendation=rec,
            decision=decision,
            reasons="",
            action_plan=plan,
            target_date=today + datetime.timedelta(days=60),
            name=f"The manager, {home}",
            responded_on=rec.due_on + datetime.timedelta(days=answered_after_due),
        )
    services.report_publish(report=report, on=sent_on)


# ---------------------------------------------------------------- the board's referrals

REFERRALS = [
    # priority, to body, question, declined with these reasons (or None: waiting for an answer)
    (
        "Children waiting for mental health assessment",
        "Northmoor Health Overview and Scrutiny Committee",
        "Waits for a first assessment have risen for eight months. Would the committee look at the trust's "
        "recovery plan, and at how families are supported while they wait?",
        None,
    ),
    (
        "Access to GP appointments",
        "Healthwatch Northmoor",
        "Would Healthwatch find out what stops people getting a GP appointment, and who is left out?",
        "Our research project ‘Getting a GP appointment in Northmoor’ is already under way and answers this "
        "question; we chose it after asking 412 people. We will send the board its report when it is done, "
        "so a second project would repeat the work.",
    ),
]


def seed_referrals(area: DemoArea) -> int:
    """The board's suggestions: one waiting for the scrutiny committee's answer, one Healthwatch
    declined with reasons. Each made once (by priority and body). Returns how many there are."""
    from .board import referrals
    from .models import Priority, Referral

    today = timezone.localdate()
    for title, to_name, question, declined in REFERRALS:
        priority = Priority.objects.filter(locality=area.northmoor, title=title).first()
        to_body = area.bodies[to_name]
        if priority is None or Referral.objects.filter(priority=priority, to_body=to_body).exists():
            continue
        referral = referrals.referral_make(
            priority=priority,
            user=area.people["board.member"],
            to_body=to_body,
            question=question,
            report_by=today + datetime.timedelta(days=90),
        )
        if declined:
            referrals.referral_decline(referral=referral, user=area.people["healthwatch.officer"], reasons=declined)
    return Referral.objects.filter(priority__locality=area.northmoor).count()
