"""The council's safeguarding teams as functions, so a concern flagged as safeguarding is
referred to the body holding the right one in the area (verify wording before relying on it)."""

from django.db import migrations

FUNCTIONS = [
    # code, name, summary, legal basis, order
    (
        "adult_safeguarding",
        "Adult safeguarding",
        "The council team that receives concerns that an adult with care and support needs is at "
        "risk of abuse or neglect, and makes enquiries.",
        "Care Act 2014, sections 42 to 47",
        6,
    ),
    (
        "children_safeguarding",
        "Children's safeguarding",
        "The council team that receives concerns about a child's welfare and safety.",
        "Children Act 1989, section 47; Children Act 2004, section 11",
        7,
    ),
]


def seed(apps, schema_editor):
    Function = apps.get_model("agencies", "Function")
    for code, name, summary, legal_basis, order in FUNCTIONS:
        Function.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "summary": summary,
                "legal_basis": legal_basis,
                "single_holder": True,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("agencies", "0009_duties_bind_bodies")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
