"""The dashboards' figures version: it moves when a change is committed, never before, so a
dashboard read while the change is still uncommitted cannot be cached under the new version."""

from __future__ import annotations

import datetime

from django.db import transaction

from agencies import figures
from reports.models import SurveillanceView


def _qsg_view(world) -> SurveillanceView:
    return SurveillanceView.objects.create(
        locality=world.area,
        provider=world.trust,
        level=SurveillanceView.Level.ENHANCED,
        decided_on=datetime.date(2026, 10, 1),
        summary="Enhanced surveillance after a rise in complaints.",
        recorded_by=world.board_member,
    )


def test_figures_version_does_not_move_until_the_change_commits(world, django_capture_on_commit_callbacks):
    before = figures.version(world.area.pk)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _qsg_view(world)
        assert figures.version(world.area.pk) == before, "a reader now would see the old figures"
    assert figures.version(world.area.pk) != before


def test_figures_version_stays_when_the_change_rolls_back(world, django_capture_on_commit_callbacks):
    before = figures.version(world.area.pk)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _qsg_view(world)
                raise RuntimeError("the writer failed")
        except RuntimeError:
            pass
    assert figures.version(world.area.pk) == before
    assert not SurveillanceView.objects.filter(locality=world.area).exists()
