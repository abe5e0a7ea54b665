"""Seed the response duties every area starts with (verify wording before relying on it)."""

from django.db import migrations

DUTIES = [
    # code, name, period, unit, citation
    (
        "health-scrutiny-nhs",
        "Health scrutiny report or recommendation to an NHS body or health service provider",
        28,
        "calendar_days",
        "Local Authority (Public Health, Health and Wellbeing Boards and Health Scrutiny) Regulations 2013 "
        "(SI 2013/218), regulation 22: a written response within 28 days of the request",
    ),
    (
        "scrutiny-executive",
        "Overview and scrutiny report or recommendation to the council executive",
        2,
        "months",
        "Local Government Act 2000, section 9FE: a response within two months",
    ),
    (
        "healthwatch-report",
        "Local Healthwatch report, recommendation or request for information to a commissioner or provider",
        20,
        "working_days",
        "NHS Bodies and Local Authorities (Partnership Arrangements, Care Trusts, Public Health and Local "
        "Healthwatch) Regulations 2012 (SI 2012/3094), Part 6: a response within 20 working days",
    ),
    (
        "alert-acknowledgement",
        "Acknowledging an alert about a significant concern",
        5,
        "working_days",
        "Locally agreed rule",
    ),
    (
        "alert-acknowledgement-safeguarding",
        "Acknowledging an alert about a safeguarding concern",
        1,
        "working_days",
        "Locally agreed rule",
    ),
]


def seed(apps, schema_editor):
    ResponseDuty = apps.get_model("agencies", "ResponseDuty")
    for code, name, period, unit, citation in DUTIES:
        ResponseDuty.objects.update_or_create(
            code=code,
            locality=None,
            defaults={"name": name, "period": period, "unit": unit, "citation": citation},
        )


class Migration(migrations.Migration):
    dependencies = [("agencies", "0004_outbox_links_and_response_duties")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
