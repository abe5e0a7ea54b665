"""Seed the statutory functions and the guide's 21-duty checklist.

The duty texts are the guide's own words ("Health and Care Quality Systems in practice: A guide
for local leaders"), without trailing punctuation. They are product data: later changes go in
new migrations so every area's checklist stays the same.
"""

from django.db import migrations

GUIDE = "Health and Care Quality Systems in practice: A guide for local leaders"

FUNCTIONS = [
    # code, name, summary, legal basis, single holder, order
    (
        "local_leadership",
        "Local leadership",
        "All those with leadership responsibility at local level.",
        "",
        False,
        1,
    ),
    (
        "hwb",
        "Health and wellbeing board",
        "The board that brings local leaders together to improve health and care.",
        "Health and Social Care Act 2012, section 194",
        True,
        2,
    ),
    (
        "local_healthwatch",
        "Local Healthwatch",
        "The independent champion for people who use health and social care services.",
        "Local Government and Public Involvement in Health Act 2007, Part 14 (as amended by the "
        "Health and Social Care Act 2012); SI 2012/3094",
        True,
        3,
    ),
    (
        "health_scrutiny",
        "Health overview and scrutiny",
        "The council committee that reviews and scrutinises health services.",
        "Local Government Act 2000, section 9F; SI 2013/218",
        True,
        4,
    ),
]

DUTIES = [
    ("local_leadership", "champion-quality", "champion the importance of good quality services"),
    (
        "local_leadership",
        "champion-feedback-and-co-production",
        "champion the importance of providing channels for people to feed back about their "
        "experience, and listening to their views and embed co-production as a principle when "
        "designing services",
    ),
    (
        "local_leadership",
        "promote-openness-and-learning",
        "promote a culture of openness and continuous learning, amongst all the relevant organisations",
    ),
    (
        "local_leadership",
        "challenge-providers",
        "challenge provider organisations about their internal quality assurance processes and "
        "ensure they are accountable to the public",
    ),
    (
        "local_leadership",
        "challenge-commissioners",
        "challenge commissioning organisations about how they are monitoring quality, and ensure "
        "they are accountable to the public",
    ),
    (
        "hwb",
        "know-quality-monitoring-and-priorities",
        "make themselves aware of how quality is being monitored locally, and of the priority "
        "issues and concerns in their locality",
    ),
    (
        "hwb",
        "ensure-action-on-priorities",
        "where necessary, ensure action is taken and reported on those priority issues",
    ),
    (
        "hwb",
        "join-up-agencies",
        "ensure a joined up approach, and good information-sharing, between agencies",
    ),
    (
        "hwb",
        "know-quality-surveillance-group",
        "be aware of the work of the quality surveillance group for their area – which "
        "coordinates quality assurance activity for the NHS",
    ),
    (
        "hwb",
        "identify-priorities-for-scrutiny",
        "identify the priorities for fuller scrutiny (eg by Healthwatch and/or the overview and scrutiny committee)",
    ),
    (
        "local_healthwatch",
        "keep-in-touch-with-experience",
        "keep in touch with local people’s experience of services",
    ),
    (
        "local_healthwatch",
        "channel-community-intelligence",
        "channel information from networks of voluntary and community groups, identifying any key themes or trends",
    ),
    (
        "local_healthwatch",
        "alert-to-significant-concerns",
        "alert commissioners and planning and scrutiny bodies (including the health and "
        "wellbeing board and overview and scrutiny committee) to any significant concerns",
    ),
    (
        "local_healthwatch",
        "research-priority-areas",
        "carry out bespoke research into people’s experience in priority areas, having consulted "
        "about what these priorities are",
    ),
    (
        "local_healthwatch",
        "report-findings",
        "report to local providers, commissioners and planning and scrutiny bodies on their findings",
    ),
    (
        "health_scrutiny",
        "bridge-politicians-professionals-community",
        "act as a ‘bridge’ between politicians, professionals and the local community, so the "
        "voices of local people are heard and responded to",
    ),
    (
        "health_scrutiny",
        "test-new-policies-and-changes",
        "consider whether new local policies and planned service changes will work in people’s best interests",
    ),
    (
        "health_scrutiny",
        "check-changes-in-practice",
        "check on how these policies and change programmes are working in practice",
    ),
    (
        "health_scrutiny",
        "proactive-reviews",
        "carry out proactive qualitative reviews to inform policies and services",
    ),
    (
        "health_scrutiny",
        "ask-community-voice-to-gather-views",
        "in doing so, ask Healthwatch and other community voice and patients’ organisations to "
        "help gather people’s views",
    ),
    (
        "health_scrutiny",
        "make-recommendations-and-require-responses",
        "make recommendations to local organisations including the HWB, the council and NHS and "
        "ask them to respond to these recommendations",
    ),
]


def seed(apps, schema_editor):
    Function = apps.get_model("agencies", "Function")
    Duty = apps.get_model("agencies", "Duty")
    functions = {}
    for code, name, summary, legal_basis, single_holder, order in FUNCTIONS:
        functions[code], _ = Function.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "summary": summary,
                "legal_basis": legal_basis,
                "single_holder": single_holder,
                "order": order,
            },
        )
    for number, (function_code, code, text) in enumerate(DUTIES, start=1):
        Duty.objects.update_or_create(
            code=code,
            defaults={
                "number": number,
                "function": functions[function_code],
                "text": text,
                "source": GUIDE,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("agencies", "Duty").objects.filter(source=GUIDE).delete()


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
