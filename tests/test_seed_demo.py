"""`manage.py seed_demo` builds the demo area once, and never on a live database by accident."""

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from agencies.models import Body, BodyKind, DutyAssessment, FunctionHolding, Locality, Membership, Role, User


@override_settings(DEBUG=True)
def test_the_demo_has_every_kind_of_body_services_people_and_a_partly_filled_checklist(db):
    call_command("seed_demo")
    northmoor = Locality.objects.get(slug="northmoor")
    kinds = set(Body.objects.filter(locality=northmoor).values_list("kind", flat=True))
    assert kinds == set(BodyKind.values)
    services = [b for b in Body.objects.filter(locality=northmoor) if b.is_service() or b.service_type]
    assert len(services) == 15
    roles = set(Membership.objects.filter(body__locality=northmoor).values_list("role", flat=True))
    assert roles == set(Role.values)
    assessed = DutyAssessment.objects.filter(locality=northmoor).count()
    assert 0 < assessed < 21
    assert FunctionHolding.objects.filter(body__locality=northmoor, function__code="hwb").count() == 1
    admin = User.objects.get(email="admin@demo.example")
    assert admin.check_password("demo-quality-2026")


def _story_counts() -> dict[str, int]:
    """How many of each record the demo's story makes, and their history and messages."""
    from agencies.models import Notification
    from concerns.models import Alert, AlertRecipient
    from reports.models import Recommendation, Referral, Report, Response, Review

    models = [Alert, AlertRecipient, Review, Report, Recommendation, Response, Referral]
    counts = {model.__name__: model._default_manager.count() for model in models}
    counts.update({f"{model.__name__} history": model.history.count() for model in models})
    counts["messages"] = Notification.objects.count()
    return counts


@override_settings(DEBUG=True)
def test_running_the_demo_twice_changes_nothing(db):
    call_command("seed_demo")
    counts = (
        Body.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        FunctionHolding.objects.count(),
        DutyAssessment.objects.count(),
    )
    history = DutyAssessment.history.count()
    story = _story_counts()
    call_command("seed_demo")
    assert counts == (
        Body.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        FunctionHolding.objects.count(),
        DutyAssessment.objects.count(),
    )
    assert DutyAssessment.history.count() == history
    assert _story_counts() == story
    assert story["Alert"] == 3 and story["Referral"] == 2


@override_settings(DEBUG=False)
def test_the_demo_refuses_to_run_when_debug_is_off(db):
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not Locality.objects.exists()


@override_settings(DEBUG=False)
def test_the_demo_runs_with_debug_off_when_forced(db):
    call_command("seed_demo", force=True)
    assert Locality.objects.filter(slug="northmoor").exists()
