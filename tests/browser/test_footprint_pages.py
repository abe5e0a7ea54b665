"""Asking a body from another area to serve yours, and answering, in a real browser: every page
and every refusal passes axe (tests.browser.test_accessibility checks the pages' empty states)."""

import pytest
from django.urls import reverse

from agencies.models import BodyArea, BodyKind, Role
from tests.browser.test_accessibility import assert_accessible, follow, sign_in_by_keyboard, submit_by_keyboard
from tests.conftest import make_alert
from tests.factories import BodyFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_area_asks_for_a_trust_by_its_ods_code_and_the_trusts_administrator_accepts(page, world):
    trust = BodyFactory(
        locality=world.other_area, name="Elsewhere and District NHS Trust", kind=BodyKind.NHS_TRUST, ods_code="RZZ"
    )
    admin = MembershipFactory(body=trust, role=Role.ADMINISTRATOR, user=UserFactory(full_name="Tara Trust")).user

    sign_in_by_keyboard(page, world.owner.email)
    page.goto(reverse("agencies:body-create", args=[world.area.slug]))
    page.get_by_label("Name").fill("District Trust")
    page.get_by_label("Kind of body").select_option(label="NHS trust")
    page.get_by_label("Contact email address").fill("d@example.org")
    page.get_by_label("Service type").select_option(label="Hospital")
    page.get_by_label("ODS code").fill("RZZ")
    submit_by_keyboard(page, "Save")
    assert "already has the ODS code RZZ" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)

    follow(page, page.get_by_role("link", name="Ask to add Elsewhere and District NHS Trust to Testshire"))
    assert_accessible(page)
    submit_by_keyboard(page, "Send the request")
    assert "Request sent to Elsewhere and District NHS Trust" in page.inner_text(".govuk-notification-banner")
    assert "Waiting for an answer" in page.inner_text("main")
    assert_accessible(page)

    page.goto(reverse("agencies:body-find", args=[world.area.slug]) + "?q=district")
    assert "Asked, waiting for an answer" in page.inner_text("main")
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in_by_keyboard(page, admin.email)
    page.goto(reverse("agencies:attach-requests", args=[world.other_area.slug]))
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Testshire asks Elsewhere and District NHS Trust"))
    submit_by_keyboard(page, "Send your answer")
    assert "Select whether you accept or decline" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Yes, accept the request").check()
    submit_by_keyboard(page, "Send your answer")
    assert "now serves Testshire" in page.inner_text(".govuk-notification-banner")
    assert BodyArea.objects.filter(body=trust, locality=world.area).exists()


def test_a_shared_body_shows_its_areas_and_refuses_to_leave_one_with_open_work(page, world):
    shared = BodyFactory(locality=world.area, name="NHS Shared ICB", kind=BodyKind.ICB, serves=[world.other_area])
    make_alert(world, recipients=[shared])
    sign_in_by_keyboard(page, world.owner.email)
    page.goto(reverse("agencies:body-detail", args=[world.area.slug, shared.pk]))
    assert "Areas this body serves" in page.inner_text("main")
    assert "only NHS Shared ICB’s own administrators" in page.inner_text("main")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="Stop NHS Shared ICB serving Testshire"))
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    submit_by_keyboard(page, "Stop serving this area")
    assert "1 alert it has not acknowledged" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
