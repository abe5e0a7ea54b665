"""Quality surveillance as a function, so who records the Quality Surveillance Group's views is
decided by the function a body holds in an area (the group itself, and the ICB that convenes
it), never by the body's kind (verify wording before relying on it)."""

from django.db import migrations


def seed(apps, schema_editor):
    Function = apps.get_model("agencies", "Function")
    Function.objects.update_or_create(
        code="quality_surveillance",
        defaults={
            "name": "Quality surveillance",
            "summary": (
                "Sharing intelligence about the quality of services and agreeing a view of each provider: "
                "the Quality Surveillance Group and the bodies that sit on it."
            ),
            "legal_basis": (
                "National Quality Board, Quality Surveillance Groups: national guidance (2014, refreshed 2022)"
            ),
            "single_holder": False,
            "order": 8,
        },
    )


def holders(apps, schema_editor):
    """Bodies of the QSG and ICB kinds that already record views hold the function in the areas
    they serve, so nobody loses what they could do."""
    Body = apps.get_model("agencies", "Body")
    BodyArea = apps.get_model("agencies", "BodyArea")
    Function = apps.get_model("agencies", "Function")
    FunctionHolding = apps.get_model("agencies", "FunctionHolding")
    function = Function.objects.get(code="quality_surveillance")
    for body in Body.objects.filter(kind__in=["qsg", "icb"], is_active=True):
        for row in BodyArea.objects.filter(body=body, ends_on__isnull=True):
            FunctionHolding.objects.get_or_create(
                function=function, body=body, locality_id=row.locality_id, defaults={"starts_on": row.starts_on}
            )


class Migration(migrations.Migration):
    dependencies = [("agencies", "0011_attach_requests_and_unique_ods")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(holders, migrations.RunPython.noop),
    ]
