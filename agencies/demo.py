"""The demo area's bodies, functions, people and self-assessment (part of `seed_demo`).

Idempotent: running it again changes nothing that is already there.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.utils.text import slugify

from agencies import services
from agencies.models import (
    AssessmentStatus,
    Body,
    BodyArea,
    BodyKind,
    Duty,
    DutyAssessment,
    Function,
    FunctionHolding,
    Locality,
    Membership,
    Role,
    ServiceType,
    User,
)

DEMO_PASSWORD = "demo-quality-2026"
DEMO_DOMAIN = "demo.example"
STATUTORY_START = datetime.date(2013, 4, 1)  # when HWBs and local Healthwatch began

JOINT_COMMITTEE = "Northmoor and Eastvale Joint Health Scrutiny Committee"

NORTHMOOR_BODIES = [
    # name, kind, service type, ODS code, CQC ID
    ("Northmoor Health and Wellbeing Board", BodyKind.HWB, "", "", ""),
    ("Healthwatch Northmoor", BodyKind.HEALTHWATCH, "", "", ""),
    ("Northmoor Health Overview and Scrutiny Committee", BodyKind.SCRUTINY, "", "", ""),
    ("Northmoor and Eastvale Quality Surveillance Group", BodyKind.QSG, "", "", ""),
    ("NHS Northmoor and Eastvale Integrated Care Board", BodyKind.ICB, "", "QZ9", ""),
    ("Northmoor County Council", BodyKind.COUNCIL, "", "", ""),
    ("Northmoor County Council Cabinet", BodyKind.COUNCIL_EXECUTIVE, "", "", ""),
    ("Care Quality Commission (North region)", BodyKind.CQC, "", "", ""),
    ("Northmoor Carers Network", BodyKind.VCS, "", "", ""),
    ("Northmoor Disability Forum", BodyKind.VCS, "", "", ""),
    (JOINT_COMMITTEE, BodyKind.SCRUTINY, "", "", ""),
    ("Northmoor Adult Safeguarding Team", BodyKind.COUNCIL, "", "", ""),
    ("Northmoor Children's Safeguarding Team", BodyKind.COUNCIL, "", "", ""),
    # Services (15)
    (
        "Northmoor Hospitals NHS Foundation Trust",
        BodyKind.NHS_TRUST,
        ServiceType.HOSPITAL,
        "RZ1",
        "1-100000001",
    ),
    (
        "Northmoor Mental Health NHS Trust",
        BodyKind.NHS_TRUST,
        ServiceType.MENTAL_HEALTH,
        "RZ2",
        "1-100000002",
    ),
    (
        "North Region Ambulance Service NHS Trust",
        BodyKind.NHS_TRUST,
        ServiceType.AMBULANCE,
        "RZ3",
        "1-100000003",
    ),
    ("Northmoor Community Health NHS Trust", BodyKind.NHS_TRUST, ServiceType.COMMUNITY, "RZ4", "1-100000004"),
    ("Riverside Surgery", BodyKind.GP_PRACTICE, ServiceType.GP, "Z90001", "1-100000011"),
    ("Market Street Medical Centre", BodyKind.GP_PRACTICE, ServiceType.GP, "Z90002", "1-100000012"),
    ("Oakfield Health Centre", BodyKind.GP_PRACTICE, ServiceType.GP, "Z90003", "1-100000013"),
    ("Hillview Practice", BodyKind.GP_PRACTICE, ServiceType.GP, "Z90004", "1-100000014"),
    ("Willow Court Care Home", BodyKind.CARE_HOME, ServiceType.CARE_HOME, "", "1-100000021"),
    ("Beechwood House Nursing Home", BodyKind.CARE_HOME, ServiceType.CARE_HOME, "", "1-100000022"),
    ("Caring Hands Home Care", BodyKind.PROVIDER, ServiceType.HOME_CARE, "", "1-100000031"),
    ("Bridge Street Dental Practice", BodyKind.PROVIDER, ServiceType.DENTISTRY, "", "1-100000041"),
    ("High Street Pharmacy", BodyKind.PROVIDER, ServiceType.PHARMACY, "FZ001", ""),
    ("Northmoor Adult Social Care", BodyKind.PROVIDER, ServiceType.SOCIAL_CARE, "", ""),
    ("Eastgate Hospice", BodyKind.PROVIDER, ServiceType.OTHER, "", "1-100000051"),
]

WESTSHIRE_BODIES = [
    ("Westshire Health and Wellbeing Board", BodyKind.HWB, "", "", ""),
    ("Healthwatch Westshire", BodyKind.HEALTHWATCH, "", "", ""),
    ("Westshire Council", BodyKind.COUNCIL, "", "", ""),
]

EASTVALE_BODIES = [
    ("Eastvale Health and Wellbeing Board", BodyKind.HWB, "", "", ""),
    ("Healthwatch Eastvale", BodyKind.HEALTHWATCH, "", "", ""),
    ("Eastvale Health Scrutiny Committee", BodyKind.SCRUTINY, "", "", ""),
    ("Eastvale Council", BodyKind.COUNCIL, "", "", ""),
    ("Eastvale Medical Group", BodyKind.GP_PRACTICE, ServiceType.GP, "Z91001", "1-100000061"),
]

# Bodies that serve more than one area: entered once (in Northmoor), then serving Eastvale too.
SHARED_BODIES = [
    "NHS Northmoor and Eastvale Integrated Care Board",
    "Northmoor Hospitals NHS Foundation Trust",
    "Northmoor and Eastvale Quality Surveillance Group",
    JOINT_COMMITTEE,
]

HOLDINGS = {
    # function code -> body names holding it since STATUTORY_START
    Function.HWB: ["Northmoor Health and Wellbeing Board"],
    Function.LOCAL_HEALTHWATCH: ["Healthwatch Northmoor"],
    Function.HEALTH_SCRUTINY: ["Northmoor Health Overview and Scrutiny Committee"],
    Function.ADULT_SAFEGUARDING: ["Northmoor Adult Safeguarding Team"],
    Function.CHILDREN_SAFEGUARDING: ["Northmoor Children's Safeguarding Team"],
    Function.QUALITY_SURVEILLANCE: [
        "Northmoor and Eastvale Quality Surveillance Group",
        "NHS Northmoor and Eastvale Integrated Care Board",
    ],
    Function.LOCAL_LEADERSHIP: [
        "Northmoor County Council",
        "NHS Northmoor and Eastvale Integrated Care Board",
        "Northmoor Health and Wellbeing Board",
        "Healthwatch Northmoor",
        "Northmoor Health Overview and Scrutiny Committee",
    ],
}

EASTVALE_HOLDINGS = {
    Function.HWB: ["Eastvale Health and Wellbeing Board"],
    Function.LOCAL_HEALTHWATCH: ["Healthwatch Eastvale"],
    Function.HEALTH_SCRUTINY: ["Eastvale Health Scrutiny Committee"],
    Function.JOINT_HEALTH_SCRUTINY: [JOINT_COMMITTEE],
    Function.LOCAL_LEADERSHIP: ["Eastvale Council", "NHS Northmoor and Eastvale Integrated Care Board"],
}

PEOPLE = [
    # email local part, full name, body, role
    ("admin", "Amira Shah", "Northmoor County Council", Role.ADMINISTRATOR),
    ("hwb.chair", "Councillor Grace Okafor", "Northmoor Health and Wellbeing Board", Role.CHAIR),
    ("board.member", "David Brennan", "Northmoor Health and Wellbeing Board", Role.MEMBER),
    ("healthwatch.officer", "Priya Natarajan", "Healthwatch Northmoor", Role.OFFICER),
    ("healthwatch.volunteer", "Tom Ellis", "Healthwatch Northmoor", Role.MEMBER),
    ("healthwatch.admin", "Fiona Gallagher", "Healthwatch Northmoor", Role.ADMINISTRATOR),
    ("scrutiny.officer", "Helen Marsh", "Northmoor Health Overview and Scrutiny Committee", Role.OFFICER),
    (
        "scrutiny.chair",
        "Councillor Sam Adeyemi",
        "Northmoor Health Overview and Scrutiny Committee",
        Role.CHAIR,
    ),
    ("icb.officer", "Mark Lindqvist", "NHS Northmoor and Eastvale Integrated Care Board", Role.OFFICER),
    ("trust.officer", "Joanne Pike", "Northmoor Hospitals NHS Foundation Trust", Role.OFFICER),
    ("observer", "Laura Chen", "Northmoor Health and Wellbeing Board", Role.READ_ONLY),
    ("westshire.admin", "Owen Price", "Westshire Council", Role.ADMINISTRATOR),
    ("eastvale.admin", "Nadia Roberts", "Eastvale Council", Role.ADMINISTRATOR),
    ("eastvale.scrutiny", "Ben Hughes", "Eastvale Health Scrutiny Committee", Role.OFFICER),
    ("eastvale.healthwatch", "Chloe Barnes", "Healthwatch Eastvale", Role.OFFICER),
    ("joint.officer", "Rachel Wong", JOINT_COMMITTEE, Role.OFFICER),
]

ASSESSMENTS = {
    # duty number: (status, owner local part, evidence, days since review)
    1: (
        AssessmentStatus.ESTABLISHED,
        "admin",
        "Quality is a standing item at the joint leadership forum; annual quality account review.",
        40,
    ),
    2: (
        AssessmentStatus.DEVELOPING,
        "healthwatch.officer",
        "Feedback routes exist in each trust; co-production charter drafted but not yet adopted.",
        75,
    ),
    3: (
        AssessmentStatus.DEVELOPING,
        "admin",
        "Learning events twice a year; openness survey planned for spring.",
        120,
    ),
    6: (
        AssessmentStatus.ESTABLISHED,
        "hwb.chair",
        "Quarterly quality report to the board, including the QSG summary.",
        30,
    ),
    7: (
        AssessmentStatus.DEVELOPING,
        "hwb.chair",
        "Actions are minuted but not yet tracked to completion.",
        30,
    ),
    8: (
        AssessmentStatus.EMBEDDED,
        "hwb.chair",
        "Information-sharing agreement signed by all partners in 2024 and reviewed yearly.",
        200,
    ),
    9: (
        AssessmentStatus.DEVELOPING,
        "board.member",
        "QSG summary shared informally; no regular report yet.",
        90,
    ),
    11: (
        AssessmentStatus.EMBEDDED,
        "healthwatch.officer",
        "Around 120 experiences logged a month from phone, web, outreach and community groups.",
        14,
    ),
    12: (
        AssessmentStatus.ESTABLISHED,
        "healthwatch.officer",
        "Monthly themes report to the board and the ICB quality committee.",
        14,
    ),
    13: (
        AssessmentStatus.ESTABLISHED,
        "healthwatch.officer",
        "Alert protocol agreed with the ICB and scrutiny committee.",
        60,
    ),
    17: (
        AssessmentStatus.ESTABLISHED,
        "scrutiny.officer",
        "Substantial variation protocol agreed with the ICB.",
        45,
    ),
    21: (
        AssessmentStatus.DEVELOPING,
        "scrutiny.officer",
        "Recommendations tracked in a spreadsheet; responses often late.",
        20,
    ),
}


@dataclasses.dataclass
class DemoArea:
    northmoor: Locality
    westshire: Locality
    bodies: dict[str, Body]
    people: dict[str, User]
    eastvale: Locality | None = None


def seed() -> DemoArea:
    """Create (or find) the demo areas, bodies, functions, people and assessments."""
    builder = _Builder()
    northmoor = builder.locality("Northmoor", "northmoor", "E10000099")
    westshire = builder.locality("Westshire", "westshire", "E10000098")
    eastvale = builder.locality("Eastvale", "eastvale", "E10000097")
    bodies = builder.bodies(northmoor, NORTHMOOR_BODIES)
    bodies.update(builder.bodies(westshire, WESTSHIRE_BODIES))
    bodies.update(builder.bodies(eastvale, EASTVALE_BODIES))
    builder.footprints(eastvale, [bodies[name] for name in SHARED_BODIES])
    builder.holdings(bodies)
    builder.area_holdings(eastvale, bodies, EASTVALE_HOLDINGS)
    people = builder.people(bodies)
    builder.assessments(northmoor, people)
    builder.superuser()
    return DemoArea(northmoor, westshire, bodies, people, eastvale)


class _Builder:
    def locality(self, name: str, slug: str, ons_code: str) -> Locality:
        locality, _ = Locality.objects.get_or_create(slug=slug, defaults={"name": name, "ons_code": ons_code})
        return locality

    def bodies(self, locality: Locality, rows) -> dict[str, Body]:
        bodies = {}
        for name, kind, service_type, ods, cqc in rows:
            body = Body.objects.filter(locality=locality, name=name).first()
            if body is None:
                contact = slugify(name)[:60].strip("-").replace("-", ".")
                body = services.body_create(
                    locality=locality,
                    name=name,
                    kind=kind,
                    contact_email=f"{contact}@{DEMO_DOMAIN}",
                    service_type=service_type,
                    ods_code=ods,
                    cqc_id=cqc,
                    starts_on=STATUTORY_START,
                )
            bodies[name] = body
        return bodies

    def footprints(self, area: Locality, bodies: list[Body]) -> None:
        """These bodies serve the area too (one record, one set of people)."""
        for body in bodies:
            BodyArea.objects.get_or_create(body=body, locality=area, defaults={"starts_on": STATUTORY_START})

    def area_holdings(self, area: Locality, bodies: dict[str, Body], holdings: dict[str, list[str]]) -> None:
        for code, names in holdings.items():
            function = Function.objects.get(code=code)
            for name in names:
                if not FunctionHolding.objects.filter(function=function, body=bodies[name], locality=area).exists():
                    services.function_assign(
                        function=function, body=bodies[name], starts_on=STATUTORY_START, locality=area
                    )

    def holdings(self, bodies: dict[str, Body]) -> None:
        self.area_holdings(
            bodies[JOINT_COMMITTEE].locality, bodies, {Function.JOINT_HEALTH_SCRUTINY: [JOINT_COMMITTEE]}
        )
        for code, names in HOLDINGS.items():
            function = Function.objects.get(code=code)
            for name in names:
                body = bodies[name]
                if not FunctionHolding.objects.filter(function=function, body=body, locality=body.locality).exists():
                    services.function_assign(function=function, body=body, starts_on=STATUTORY_START)
        westshire_hwb = bodies["Westshire Health and Wellbeing Board"]
        hwb = Function.objects.get(code=Function.HWB)
        if not FunctionHolding.objects.filter(function=hwb, body=westshire_hwb).exists():
            services.function_assign(function=hwb, body=westshire_hwb, starts_on=STATUTORY_START)

    def people(self, bodies: dict[str, Body]) -> dict[str, User]:
        people = {}
        for local, full_name, body_name, role in PEOPLE:
            email = f"{local}@{DEMO_DOMAIN}"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, full_name=full_name, password=DEMO_PASSWORD)
            Membership.objects.get_or_create(user=user, body=bodies[body_name], defaults={"role": role})
            people[local] = user
        return people

    def assessments(self, locality: Locality, people: dict[str, User]) -> None:
        today = datetime.date.today()
        for number, (status, owner, evidence, days_ago) in ASSESSMENTS.items():
            duty = Duty.objects.get(number=number)
            if DutyAssessment.objects.filter(locality=locality, duty=duty).exists():
                continue
            services.assessment_update(
                locality=locality,
                duty=duty,
                status=status,
                evidence=evidence,
                owner=people[owner],
                last_reviewed_on=today - datetime.timedelta(days=days_ago),
            )

    def superuser(self) -> None:
        email = f"superuser@{DEMO_DOMAIN}"
        if not User.objects.filter(email=email).exists():
            User.objects.create_superuser(email=email, full_name="Site Administrator", password=DEMO_PASSWORD)
