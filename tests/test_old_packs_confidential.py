"""Packs built before Part A / Part B are kept as built, but wholly as Part B."""

import importlib

import pytest
from django.apps import apps

from reports.models import BoardPack

migration = importlib.import_module("reports.migrations.0011_board_pack_part_b")

pytestmark = pytest.mark.django_db


def test_an_old_pack_naming_surveillance_levels_becomes_part_b(world):
    old = "<h2 class='govuk-heading-l'>5. Quality Surveillance Group</h2><p>Trust X: enhanced surveillance</p>"
    pack = BoardPack.objects.create(
        locality=world.area, meeting_on="2026-10-01", html=old, pdf="board-packs/old.pdf", requested_by=world.owner
    )
    plain = BoardPack.objects.create(
        locality=world.area, meeting_on="2026-11-01", html="<h2>1. Summary</h2>", requested_by=world.owner
    )
    migration.keep_old_packs_confidential(apps, None)
    pack.refresh_from_db()
    plain.refresh_from_db()
    assert pack.part_b_html == old and pack.part_b_pdf.name == "board-packs/old.pdf"
    assert "enhanced surveillance" not in pack.html and not pack.pdf
    assert "kept as Part B" in pack.html
    assert (plain.html, plain.part_b_html) == ("<h2>1. Summary</h2>", "")
