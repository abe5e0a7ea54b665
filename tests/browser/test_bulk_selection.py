"""Select many experiences and act once, in a real browser without scripts of our own (issue 14,
item 1). Every page on the way passes axe."""

import pytest
from django.urls import reverse

from agencies.models import BodyKind
from concerns.models import Alert
from reports.models import Review
from tests.browser.test_accessibility import assert_accessible, follow, sign_in_by_keyboard
from tests.conftest import make_concern, make_priority
from tests.factories import BodyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ward_experiences(world, n):
    ward = BodyFactory(
        locality=world.area, name="Ward 7, Testshire General", kind=BodyKind.NHS_TRUST, service_type="hospital"
    )
    return ward, [make_concern(world, narrative=f"Waited for help on Ward 7 ({i})", service=ward) for i in range(n)]


def test_an_officer_selects_all_matching_experiences_and_alerts_the_icb(page, world):
    ward, concerns = ward_experiences(world, 14)
    make_concern(world, narrative="Somewhere else")
    sign_in_by_keyboard(page, world.officer.email)
    page.goto(reverse("concerns:index", args=[world.area.slug]))
    follow(page, page.get_by_role("button", name="Raise an alert about them").first)
    assert "Select at least one experience" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)  # the list again, with the problem

    page.get_by_label("Service", exact=True).select_option(label=ward.name)
    follow(page, page.get_by_role("button", name="Apply filters"))
    page.get_by_label("All 14 experiences matching these filters").check()
    follow(page, page.get_by_role("button", name="Raise an alert about them").first)
    assert "About 14 experiences" in page.inner_text("main")
    assert_accessible(page)

    page.get_by_label(concerns[0].reference, exact=False).uncheck()
    page.get_by_label("What are you asking them to do?").fill("Look into staffing on Ward 7.")
    page.get_by_label(world.icb.name).check()
    follow(page, page.get_by_role("button", name="Send the alert"))
    # The ICB, and the ward as the provider (suggested: every experience is about it).
    assert "sent to 2 bodies" in page.inner_text(".govuk-notification-banner")
    assert Alert.all_objects.get().concerns.count() == 13
    assert_accessible(page)


def test_an_officer_adds_a_theme_and_a_review_to_ticked_experiences(page, world):
    _, concerns = ward_experiences(world, 3)
    Review.objects.create(
        locality=world.area,
        kind="research",
        lead_body=world.healthwatch,
        topic="Ward 7 waits",
        created_by=world.officer,
    )
    sign_in_by_keyboard(page, world.officer.email)
    page.goto(reverse("concerns:index", args=[world.area.slug]))
    for concern in concerns[:2]:
        page.get_by_label(f"Select {concern.reference}").check()
    follow(page, page.get_by_role("button", name="Add a theme").first)
    assert "2 experiences selected" in page.inner_text("main")
    assert_accessible(page)
    follow(page, page.get_by_role("button", name="Add the theme"))
    assert "Choose a theme to add" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Theme to add").select_option(label="Staff attitude")
    follow(page, page.get_by_role("button", name="Add the theme"))
    assert "added to 2 experiences" in page.inner_text(".govuk-notification-banner")

    for concern in concerns:
        page.get_by_label(f"Select {concern.reference}").check()
    follow(page, page.get_by_role("button", name="Add them to a review").first)
    assert_accessible(page)
    page.get_by_label("Review").select_option(label="Ward 7 waits")
    follow(page, page.get_by_role("button", name="Add them to the review"))
    assert "3 experiences added to the review" in page.inner_text(".govuk-notification-banner")


def test_a_board_member_adds_ticked_experiences_to_a_priority(page, world):
    _, concerns = ward_experiences(world, 2)
    priority = make_priority(world)
    sign_in_by_keyboard(page, world.board_member.email)
    page.goto(reverse("concerns:index", args=[world.area.slug]))
    page.get_by_label(f"Select {concerns[0].reference}").check()
    follow(page, page.get_by_role("button", name="Add them to a priority").first)
    assert_accessible(page)
    page.get_by_label("Priority").select_option(label=priority.title)
    follow(page, page.get_by_role("button", name="Add them to the priority"))
    assert "1 experience added to the priority" in page.inner_text(".govuk-notification-banner")
    assert_accessible(page)
