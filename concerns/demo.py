"""A year and a half of realistic experiences for the demo area (part of `seed_demo`).

Deterministic (a fixed random seed), and idempotent: an area that already has concerns is
left alone. Waiting times at the hospital trust rise sharply in the last three complete
months, so the trend job has a real signal to find.
"""

from __future__ import annotations

import datetime
import random

from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from agencies.deadlines import is_working_day
from agencies.demo import DemoArea
from agencies.models import Body

from . import alerts, services
from .models import Alert, Channel, Concern, SafeguardingReferral, Sentiment, Status, Theme
from .selectors import last_complete_month, month_starts
from .trends import trend_signals_detect

MONTHS = 18
PER_MONTH = 90

STORIES = {
    "Waiting times": [
        ("negative", "Waited {n} hours in A&E with my father before anyone assessed him."),
        ("negative", "My operation has been cancelled twice and I still have no new date."),
        ("mixed", "The wait for a scan was {n} weeks, but the staff were kind when I got there."),
    ],
    "Access": [
        ("negative", "Could not get through on the phone at 8am for {n} days running."),
        ("positive", "Got a same-day appointment and the receptionist was very helpful."),
        ("negative", "No NHS dentist in the area is taking on new adult patients."),
    ],
    "Communication": [
        ("negative", "Nobody told us my mum had been moved to another ward."),
        ("positive", "The nurse explained every step of the treatment clearly."),
        ("mixed", "Letters arrive after the appointment date they are about."),
    ],
    "Dignity and respect": [
        ("negative", "My husband was left in a soiled bed for over an hour."),
        ("positive", "The carers always knock and ask before helping my aunt."),
    ],
    "Staff attitude": [
        ("positive", "The paramedics were calm and reassuring."),
        ("negative", "The receptionist was dismissive when I asked about my results."),
    ],
    "Quality of treatment": [
        ("positive", "Excellent care on the stroke unit; I am walking again."),
        ("negative", "The wound was not dressed properly and became infected."),
    ],
    "Discharge": [
        ("negative", "Dad was sent home at night with no care package in place."),
        ("mixed", "Discharge took all day waiting for medication from pharmacy."),
    ],
    "Medication": [
        ("negative", "The pharmacy had no stock of my inhaler for {n} weeks."),
        ("neutral", "Asked how repeat prescriptions work with the new app."),
    ],
    "Digital access": [
        ("negative", "I do not use the internet and can only book online now."),
        ("positive", "The new app makes ordering prescriptions easy."),
    ],
    "Complaints handling": [
        ("negative", "I complained {n} months ago and have had no reply."),
        ("positive", "My complaint was answered within a week with an apology."),
    ],
    "Safeguarding": [
        ("negative", "A resident at the care home seemed frightened of one member of staff."),
    ],
    "Cost": [
        ("negative", "Charged for a dental treatment I was told would be free."),
    ],
}

SERVICE_BIAS = {
    "Waiting times": ["Northmoor Hospitals NHS Foundation Trust", "North Region Ambulance Service NHS Trust"],
    "Access": ["Riverside Surgery", "Market Street Medical Centre", "Bridge Street Dental Practice"],
    "Dignity and respect": [
        "Willow Court Care Home",
        "Beechwood House Nursing Home",
        "Caring Hands Home Care",
    ],
    "Safeguarding": ["Willow Court Care Home", "Beechwood House Nursing Home"],
    "Medication": ["High Street Pharmacy"],
    "Discharge": ["Northmoor Hospitals NHS Foundation Trust"],
}

HOSPITAL = "Northmoor Hospitals NHS Foundation Trust"


def seed(area: DemoArea) -> int:
    """Add demo experiences to Northmoor unless it has some. Returns how many it has."""
    locality = area.northmoor
    for each in (area.northmoor, area.westshire):
        services.themes_ensure_defaults(locality=each)
    existing = Concern.all_objects.filter(locality=locality).count()
    if existing:
        return existing
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    themes = {t.name: t for t in Theme.all_objects.filter(locality=locality)}
    bodies = area.bodies
    healthwatch = bodies["Healthwatch Northmoor"]
    officer = area.people["healthwatch.officer"]
    services_list = [b for b in bodies.values() if b.locality_id == locality.pk and b.service_type]
    groups = [b for b in bodies.values() if b.locality_id == locality.pk and b.kind == "vcs"]
    months = month_starts(last_complete_month(today), MONTHS)
    rising = set(months[-3:])
    count = 0
    for month in months + [today.replace(day=1)]:
        days_in_month = ((month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - month).days
        last_day = min(days_in_month, today.day if month == today.replace(day=1) else days_in_month)
        volume = PER_MONTH + rng.randint(-12, 12)
        if month.month in (12, 1):
            volume += 10  # winter pressures
        if month == today.replace(day=1):
            volume = volume * last_day // days_in_month
        plan = [rng.choice(list(STORIES)) for _ in range(volume)]
        if month in rising:
            plan += ["Waiting times"] * (25 + 10 * months[-3:].index(month))
        for theme_name in plan:
            sentiment, text = rng.choice(STORIES[theme_name])
            service = _pick_service(rng, theme_name, bodies, services_list)
            if month in rising and theme_name == "Waiting times":
                service = bodies[HOSPITAL]
            extra = [themes[rng.choice(list(STORIES))]] if rng.random() < 0.3 else []
            received = month + datetime.timedelta(days=rng.randrange(last_day))
            details = services.ConcernDetails(
                received_on=received,
                channel=rng.choice(Channel.values),
                service_type=service.service_type,
                sentiment=sentiment if rng.random() < 0.9 else rng.choice(Sentiment.values),
                narrative=text.format(n=rng.randint(2, 9)),
                themes=[themes[theme_name], *extra],
                service=service,
                source_body=rng.choice(groups) if rng.random() < 0.15 else None,
                severity=_severity(rng, sentiment, theme_name),
                safeguarding=theme_name == "Safeguarding",
                status=_status(rng, received, today),
            )
            if details.status == Status.CLOSED:
                details.closed_reason = "Shared with the provider; no further action needed."
            contact = None
            if rng.random() < 0.25:
                first = rng.choice(["Sam", "Alex", "Jo", "Chris", "Pat", "Robin", "Ali", "Jamie"])
                contact = {
                    "name": f"{first} {rng.choice(['Smith', 'Patel', 'Jones', 'Khan', 'Evans', 'Brown'])}",
                    "email": f"{first.lower()}{rng.randint(10, 99)}@example.com",
                    "consent_to_contact": rng.random() < 0.7,
                    "consent_to_share": rng.random() < 0.4,
                }
            services.concern_log(
                locality=locality,
                collecting_body=healthwatch,
                details=details,
                created_by=officer,
                contact=contact,
            )
            count += 1
    # The demo's stories name nobody, so most reviewed ones carry an approved shareable summary
    # (the text itself); the newest month's wait for one, to show "No shareable summary yet".
    Concern.all_objects.filter(locality=locality, received_on__lt=today.replace(day=1)).update(
        shareable_summary=F("narrative"), summary_approved_by=officer, summary_approved_at=timezone.now()
    )
    _public_submissions(rng, locality, healthwatch, today)
    _safeguarding_referrals(locality, bodies["Northmoor Adult Safeguarding Team"], officer, today)
    trend_signals_detect(locality=locality, today=today)
    return count + 6


def _safeguarding_referrals(locality, team: Body, officer, today: datetime.date) -> None:
    """Each safeguarding concern was referred the day it came in, except the last two days'
    (so the Healthwatch page lists them); the team has said what happened to the older ones."""
    concerns = Concern.all_objects.filter(
        locality=locality, safeguarding=True, received_on__lt=today - datetime.timedelta(days=2)
    ).order_by("received_on")
    bulk_create_with_history(
        [
            SafeguardingReferral(
                concern=concern,
                to_body=team,
                referred_on=concern.received_on,
                method=SafeguardingReferral.Method.PHONE,
                their_reference=f"ASG-{concern.pk:05d}",
                referred_by=officer,
                outcome="Enquiry opened under section 42; the provider is taking action."
                if concern.received_on < today - datetime.timedelta(days=30)
                else "",
                outcome_on=concern.received_on + datetime.timedelta(days=14)
                if concern.received_on < today - datetime.timedelta(days=30)
                else None,
            )
            for concern in concerns
        ],
        SafeguardingReferral,
    )


def _pick_service(rng, theme_name, bodies, services_list) -> Body:
    biased = SERVICE_BIAS.get(theme_name)
    if biased and rng.random() < 0.7:
        return bodies[rng.choice(biased)]
    return rng.choice(services_list)


def _severity(rng, sentiment, theme_name) -> int:
    if theme_name == "Safeguarding":
        return rng.choice([4, 5])
    if sentiment == "positive":
        return 0
    return rng.choice([1, 2, 2, 3, 3, 4])


def _status(rng, received, today) -> str:
    age = (today - received).days
    if age > 60 and rng.random() < 0.6:
        return Status.CLOSED
    if rng.random() < 0.05:
        return Status.ESCALATED
    return Status.REVIEWED


def _public_submissions(rng, locality, healthwatch, today) -> None:
    """A few experiences shared online that wait for staff to review them."""
    stories = [
        ("Riverside Surgery", "gp", "negative", "Tried to book online but every slot was taken by 8:05."),
        ("the hospital", "hospital", "positive", "The maternity team were wonderful, thank you."),
        ("Willow Court", "care_home", "negative", "Mum's room was cold and the heating broken for a week."),
        ("High Street chemist", "pharmacy", "mixed", "Helpful pharmacist but a long queue every time."),
        ("ambulance", "ambulance", "negative", "Waited three hours for an ambulance after a fall."),
        (
            "dentist on Bridge Street",
            "dentistry",
            "negative",
            "Told I would have to pay privately or wait a year.",
        ),
    ]
    for i, (named, service_type, sentiment, text) in enumerate(stories):
        services.concern_log(
            locality=locality,
            collecting_body=healthwatch,
            details=services.ConcernDetails(
                received_on=today - datetime.timedelta(days=i),
                channel=Channel.WEB_FORM,
                service_type=service_type,
                sentiment=sentiment,
                narrative=text,
                service_described=named,
                status=Status.NEW,
            ),
            from_public=True,
            contact={
                "name": "Member of the public",
                "email": "public@example.com",
                "consent_to_contact": True,
            }
            if i % 2
            else None,
        )


# ---------------------------------------------------------------- alerts between bodies

HOME_CARE = "Caring Hands Home Care"
ICB = "NHS Northmoor and Eastvale Integrated Care Board"


def _working_days_back(today: datetime.date, n: int) -> datetime.date:
    """The working day `n` working days before `today` (0: today, or the last working day)."""
    day = today
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    for _ in range(n):
        day -= datetime.timedelta(days=1)
        while not is_working_day(day):
            day -= datetime.timedelta(days=1)
    return day


def _working_days_after(day: datetime.date, n: int) -> datetime.date:
    for _ in range(n):
        day += datetime.timedelta(days=1)
        while not is_working_day(day):
            day += datetime.timedelta(days=1)
    return day


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    """That day at that hour, London time (when an answer was given)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 15)))


def seed_alerts(area: DemoArea) -> int:
    """Three alerts, each raised once (found by its summary), dated back from today:
    Healthwatch Northmoor's alert about A&E waits, acknowledged in time by the ICB and the
    trust (the ICB has responded); its alert about missed home care visits, never acknowledged,
    so the chase job reminded the provider and then escalated it to the HWB chair and the
    scrutiny officers; and Healthwatch Eastvale's alert to the ICB, not yet due, so the ICB's
    work page has work in both areas. Returns how many alerts the demo has."""
    today = timezone.localdate()
    made = [_alert_waits(area, today), _alert_home_care(area, today)]
    if area.eastvale is not None:
        made.append(_alert_eastvale(area, today))
    return len(made)


def _existing(locality, summary: str) -> Alert | None:
    return Alert.all_objects.filter(locality=locality, summary=summary).first()


def _alert_waits(area: DemoArea, today: datetime.date) -> Alert:
    summary = "Long waits in A&E at Northmoor General Hospital"
    found = _existing(area.northmoor, summary)
    if found is not None:
        return found
    sent_on = _working_days_back(today, 15)
    waiting = Theme.all_objects.filter(locality=area.northmoor, name="Waiting times").first()
    concerns = list(
        Concern.all_objects.counted()
        .filter(
            locality=area.northmoor,
            service=area.bodies[HOSPITAL],
            theme_tags__theme=waiting,
            received_on__lt=sent_on,
            summary_approved_at__isnull=False,
        )
        .order_by("-received_on")[:5]
    )
    alert = alerts.alert_raise(
        locality=area.northmoor,
        raised_by_body=area.bodies["Healthwatch Northmoor"],
        raised_by=area.people["healthwatch.officer"],
        sent_on=sent_on,
        details=alerts.AlertDetails(
            summary=summary,
            details="Concerns about waits in A&E have doubled in three months. People describe waits of six "
            "hours or more before assessment, older people on trolleys overnight and no water offered.",
            action_requested="Tell us what you are doing to cut waits before assessment this winter, and how "
            "you will keep people waiting safe and comfortable.",
            recipients=[area.bodies[ICB], area.bodies[HOSPITAL]],
            severity=Alert.Severity.SERIOUS,
            concerns=concerns,
            theme=waiting,
        ),
    )
    icb, trust = (alert.recipients.get(body=area.bodies[name]) for name in (ICB, HOSPITAL))
    alerts.alert_acknowledge(
        recipient=icb, user=area.people["icb.officer"], at=_at(_working_days_after(sent_on, 2), 10)
    )
    alerts.alert_acknowledge(
        recipient=trust, user=area.people["trust.officer"], at=_at(_working_days_after(sent_on, 4), 15)
    )
    icb.refresh_from_db()
    alerts.alert_respond(
        recipient=icb,
        user=area.people["icb.officer"],
        response="We have asked the trust for a recovery plan for A&E by the end of the month and will take "
        "it to the Quality Surveillance Group. Extra same-day urgent care opens at Eastgate from next week.",
        at=_at(_working_days_after(sent_on, 8), 11),
    )
    return alert


def _alert_home_care(area: DemoArea, today: datetime.date) -> Alert:
    summary = "Missed and late home care visits"
    found = _existing(area.northmoor, summary)
    if found is not None:
        return found
    sent_on = _working_days_back(today, 12)
    dignity = Theme.all_objects.filter(locality=area.northmoor, name="Dignity and respect").first()
    alert = alerts.alert_raise(
        locality=area.northmoor,
        raised_by_body=area.bodies["Healthwatch Northmoor"],
        raised_by=area.people["healthwatch.officer"],
        sent_on=sent_on,
        details=alerts.AlertDetails(
            summary=summary,
            details="Families tell us that carers from Caring Hands arrive hours late or not at all, so people "
            "are left without meals or medicines.",
            action_requested="Tell us how many visits were missed last month and what you are doing about it.",
            recipients=[area.bodies[HOME_CARE]],
            severity=Alert.Severity.SERIOUS,
            concerns=list(
                Concern.all_objects.counted()
                .filter(
                    locality=area.northmoor,
                    service=area.bodies[HOME_CARE],
                    received_on__lt=sent_on,
                    summary_approved_at__isnull=False,
                )
                .order_by("-received_on")[:3]
            ),
            theme=dignity,
        ),
    )
    # The chase job ran each working day since: reminders, then the escalation.
    day = sent_on
    while day <= today:
        alerts.alerts_chase(day, alerts=[alert])
        day += datetime.timedelta(days=1)
    return alert


def _alert_eastvale(area: DemoArea, today: datetime.date) -> Alert:
    assert area.eastvale is not None  # noqa: S101 - checked by the caller
    summary = "People cannot get through to Eastvale Medical Group by phone"
    found = _existing(area.eastvale, summary)
    if found is not None:
        return found
    return alerts.alert_raise(
        locality=area.eastvale,
        raised_by_body=area.bodies["Healthwatch Eastvale"],
        raised_by=area.people["eastvale.healthwatch"],
        sent_on=_working_days_back(today, 1),
        details=alerts.AlertDetails(
            summary=summary,
            details="Since the practice's new phone system started, people tell us they wait over an hour "
            "or are cut off, and the online form closes by 8:30am.",
            action_requested="Tell us what you will ask the practice to do, and by when.",
            recipients=[area.bodies[ICB]],
        ),
    )
