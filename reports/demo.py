"""A scrutiny review with five recommendations to three bodies (part of `seed_demo`).

Idempotent. One trust answered through its link; the council executive has missed its
two-month deadline, so the chase has something to do.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from agencies.demo import DemoArea
from agencies.models import ResponseDuty

from . import services
from .models import Recommendation, Review

RECOMMENDATIONS = [
    # text, body, duty, days before today sent, response (decision, plan) or None
    (
        "Publish A&E waiting times weekly on the trust's website.",
        "Northmoor Hospitals NHS Foundation Trust",
        "health-scrutiny-nhs",
        40,
        ("accepted", "Weekly figures from January, with a plain-English summary."),
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
        ("partially_accepted", "Quarterly reports from April; monthly is not possible with current data."),
    ),
]


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
                name="Demo responder",
                via_link=True,
            )
    services.report_publish(report=report, on=today - datetime.timedelta(days=75))
    return len(RECOMMENDATIONS)
