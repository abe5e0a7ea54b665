"""Search indexes that lead with the area, so a search in one area costs the same whatever the
other areas hold (a national deployment keeps every area in one table).

On PostgreSQL the narrative's full-text index becomes one GIN index on (area, search vector),
which needs the btree_gin extension (trusted: a database owner may create it). Approved
shareable summaries, which a search matches for people outside the collecting body, get a
partial index by area and date, on both databases, as do safeguarding experiences (the
Healthwatch landing page lists those not yet referred). Reversible: going back builds the old
full-text index again.
"""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations, models

FORWARD = """
CREATE INDEX concern_area_search_gin ON concerns_concern USING gin (locality_id, search);
DROP INDEX IF EXISTS concern_search_gin;
"""

BACKWARD = """
CREATE INDEX concern_search_gin ON concerns_concern USING gin (search);
DROP INDEX IF EXISTS concern_area_search_gin;
"""


def area_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def whole_table_search(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("concerns", "0020_details_transfers_and_seals")]

    operations = [
        BtreeGinExtension(),
        migrations.RunPython(area_search, whole_table_search),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                models.F("locality"),
                models.F("received_on").desc(),
                condition=models.Q(summary_approved_at__isnull=False),
                name="concern_shared_summaries",
            ),
        ),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                fields=["locality", "received_on"], condition=models.Q(safeguarding=True), name="concern_safeguarding"
            ),
        ),
    ]
