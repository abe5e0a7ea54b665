"""PostgreSQL full-text search on the narrative, and the default themes for existing areas.

On PostgreSQL a trigger keeps `search` current on every insert and narrative update (bulk
imports included) and a GIN index serves the search. On SQLite both are skipped: search there
falls back to a simple case-insensitive match.
"""

from django.db import migrations

DEFAULT_THEMES = [
    "Access",
    "Waiting times",
    "Communication",
    "Dignity and respect",
    "Staff attitude",
    "Quality of treatment",
    "Discharge",
    "Medication",
    "Safeguarding",
    "Cost",
    "Digital access",
    "Complaints handling",
]

FORWARD = """
CREATE TRIGGER concern_search_update BEFORE INSERT OR UPDATE OF narrative
ON concerns_concern FOR EACH ROW
EXECUTE FUNCTION tsvector_update_trigger(search, 'pg_catalog.english', narrative);
CREATE INDEX concern_search_gin ON concerns_concern USING gin (search);
"""

BACKWARD = """
DROP INDEX IF EXISTS concern_search_gin;
DROP TRIGGER IF EXISTS concern_search_update ON concerns_concern;
"""


def add_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def remove_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


def default_themes(apps, schema_editor):
    Locality = apps.get_model("agencies", "Locality")
    Theme = apps.get_model("concerns", "Theme")
    for locality in Locality.objects.all():
        for name in DEFAULT_THEMES:
            Theme._default_manager.get_or_create(locality=locality, name=name)


class Migration(migrations.Migration):
    dependencies = [("concerns", "0001_initial")]

    operations = [
        migrations.RunPython(add_search, remove_search),
        migrations.RunPython(default_themes, migrations.RunPython.noop),
    ]
