"""Sign in, find your work and update a duty assessment in a real browser, by keyboard.

Every page visited is checked with axe-core: any WCAG 2.x A or AA violation fails the test.
Pages must also run under the content security policy without errors in the console.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from agencies.models import DutyAssessment
from concerns.models import Concern
from tests.conftest import make_concern
from tests.factories import TEST_PASSWORD
from tests.test_joint_committees import joint  # noqa: F401 - a fixture
from tests.test_permission_matrix import AREA_ACTION, MATRIX, PUBLIC, SIGNED_IN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()


def assert_accessible(page):
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    assert page.console_problems == [], f"{page.url}: {page.console_problems}"


def follow(page, locator):
    with page.expect_navigation():
        locator.click()


def submit_by_keyboard(page, button_name):
    page.get_by_role("button", name=button_name).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in_by_keyboard(page, email):
    page.goto(reverse("sign-in"))
    assert_accessible(page)
    page.keyboard.press("Tab")  # the first thing a keyboard reaches is the skip link
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.focus("#id_username")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/sign-in/" not in page.url, page.inner_text("main")


def test_sign_in_see_home_and_update_a_duty_assessment_by_keyboard(page, world):
    page.goto("/")
    assert_accessible(page)
    sign_in_by_keyboard(page, world.owner.email)
    assert page.locator("h1").inner_text() == "Welcome, Olivia"
    assert_accessible(page)

    follow(page, page.get_by_role("link", name="Quality system", exact=True))
    assert page.locator("h1").inner_text() == "Quality system"
    assert_accessible(page)

    follow(page, page.get_by_role("link", name="6. Make themselves aware of how quality is being monitored"))
    assert_accessible(page)

    # A date in the future first: the error summary takes focus and links to the field.
    page.get_by_label("Year").fill("2099")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Day").fill("1")
    submit_by_keyboard(page, "Save assessment")
    assert "The date last reviewed must be today or in the past" in page.locator(".govuk-error-summary").inner_text()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert_accessible(page)

    page.get_by_label("Established").focus()
    page.keyboard.press("Space")
    page.get_by_label("Evidence notes").focus()
    page.keyboard.type("Quarterly quality report to the board since April.")
    page.get_by_label("Day").fill("")
    page.get_by_label("Month").fill("")
    page.get_by_label("Year").fill("")
    page.get_by_label("Day").focus()
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    page.keyboard.type("11")
    page.keyboard.press("Tab")
    page.keyboard.type("2026")
    submit_by_keyboard(page, "Save assessment")
    assert "Duty 6 assessment saved." in page.inner_text("main")
    assert_accessible(page)
    saved = DutyAssessment.objects.get(locality=world.area, duty__number=6)
    assert saved.status == "established"
    assert saved.evidence == "Quarterly quality report to the board since April."


def signed_in_pages(page, world):
    """Open every signed-in page of the permission matrix as the persona who owns it, yielding
    each page's name once it has loaded."""
    for persona in sorted({spec.owner for spec in MATRIX.values()}):
        page.context.clear_cookies()
        sign_in_by_keyboard(page, getattr(world, persona).email)
        for name, spec in MATRIX.items():
            if spec.owner != persona or spec.kind in (PUBLIC, AREA_ACTION) or spec.get_status != 200 or not spec.html:
                continue
            page.goto(reverse(name, kwargs=spec.kwargs(world)))
            yield name


def test_every_page_passes_axe_for_the_person_who_can_see_it(page, world):
    visited = 0
    for name in signed_in_pages(page, world):
        assert page.locator("h1").count() == 1, f"{name} must have one main heading"
        assert_accessible(page)
        visited += 1
    pages = [n for n, s in MATRIX.items() if s.kind not in (PUBLIC, AREA_ACTION) and s.get_status == 200 and s.html]
    assert visited == len(pages)
    assert SIGNED_IN in {s.kind for s in MATRIX.values()}


def test_public_pages_and_form_errors_pass_axe(page, world):
    for name, spec in MATRIX.items():
        if spec.kind == PUBLIC and spec.get_status == 200 and spec.html:
            page.goto(reverse(name, kwargs=spec.kwargs(world)))
            assert_accessible(page)
    sign_in_by_keyboard(page, world.owner.email)
    page.goto(reverse("agencies:body-create", args=[world.area.slug]))
    follow(page, page.get_by_role("button", name="Save"))
    assert_accessible(page)
    page.goto(reverse("agencies:function-assign", args=[world.area.slug]))
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2027")
    follow(page, page.get_by_role("button", name="Give this function to the body"))
    assert "must be a real date" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)


def test_the_menu_works_by_keyboard_on_a_small_screen(page, world):
    page.set_viewport_size({"width": 375, "height": 700})
    sign_in_by_keyboard(page, world.owner.email)
    toggle = page.get_by_role("button", name="Menu")
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="Quality system", exact=True).is_visible()
    assert_accessible(page)


def test_the_axe_check_can_fail(page, live_server):
    """Guards the guard: a page with known WCAG failures must be reported."""
    page.goto(reverse("sign-in"))
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"x.png\"><input type=\"text\">')"
    )
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    rules = {violation["id"] for violation in results.response["violations"]}
    assert {"image-alt", "label"} <= rules


def test_a_healthwatch_officer_logs_an_experience_by_keyboard_and_finds_it(page, world):
    sign_in_by_keyboard(page, world.officer.email)
    page.goto(reverse("concerns:index", args=[world.area.slug]))
    follow(page, page.get_by_role("link", name="Log an experience"))
    assert_accessible(page)
    page.get_by_label("How did it reach you?").focus()
    page.keyboard.press("p")  # type-ahead selects "Phone"
    page.get_by_label("Service it is about").select_option(label="Testshire Hospitals NHS Trust")
    page.get_by_label("Waiting times").focus()
    page.keyboard.press("Space")
    page.get_by_label("Negative").focus()
    page.keyboard.press("Space")
    page.get_by_label("What happened").focus()
    page.keyboard.type("Waited nine hours on a trolley in the corridor.")
    submit_by_keyboard(page, "Save and log another")
    assert "saved." in page.inner_text(".govuk-notification-banner")
    assert_accessible(page)
    page.goto(reverse("concerns:index", args=[world.area.slug]))
    page.get_by_label("Search the narrative").fill("trolley")
    submit_by_keyboard(page, "Apply filters")
    assert "1 experience" in page.inner_text("main")
    assert "Waited nine hours on a trolley" in page.inner_text("main")
    assert_accessible(page)


def test_a_member_of_the_public_shares_an_experience(page, world):
    page.goto(reverse("share", args=[world.area.slug]))
    assert_accessible(page)
    honeypot = page.locator("#id_website")
    assert honeypot.bounding_box()["x"] < 0  # off screen for people, still there for bots
    assert honeypot.get_attribute("tabindex") == "-1"
    page.get_by_label("Which service is it about?").fill("Riverside Surgery")
    page.get_by_label("What type of service is it?").select_option(label="GP")
    page.get_by_label("Day", exact=True).fill("3")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_label("Negative").check()
    page.get_by_label("Tell us what happened").fill("No appointments for three weeks.")
    follow(page, page.get_by_role("button", name="Send your experience"))
    assert page.locator("h1").inner_text() == "Thank you for sharing your experience"
    reference = Concern.all_objects.get().person_reference.reference
    assert reference in page.inner_text(".govuk-panel")
    assert_accessible(page)
    follow(page, page.get_by_role("link", name="see what happened"))
    assert page.locator("h1").inner_text() == "What happened to your experience"
    assert "Healthwatch Testshire received your experience." in page.inner_text("main")
    assert_accessible(page)


def test_a_person_tracks_their_experience_by_keyboard_and_mistypes_it_first(page, world):
    from tests.test_track_experience import _cite_everywhere

    concern = make_concern(world)
    _cite_everywhere(world, concern)
    page.goto(reverse("public-track"))
    assert_accessible(page)
    page.get_by_label("Your reference").fill("TS-0000-0")
    submit_by_keyboard(page, "Find what happened")
    assert "We could not find that reference" in page.inner_text(".govuk-error-summary")
    assert page.get_by_label("Your reference").input_value() == "TS-0000-0"  # nothing lost
    assert_accessible(page)
    page.get_by_label("Your reference").fill(concern.person_reference.reference.lower())
    submit_by_keyboard(page, "Find what happened")
    assert "NHS Testshire ICB accepted the recommendation." in page.inner_text("main")
    assert_accessible(page)


def test_an_icb_officer_without_an_account_answers_an_alert_by_link(page, world, django_capture_on_commit_callbacks):
    import re

    from django.core import mail

    from tests.conftest import make_alert

    with django_capture_on_commit_callbacks(execute=True):
        alert = make_alert(world)
    body = next(m.body for m in mail.outbox if "icb@example.org" in m.to[0])
    link = re.search(r"(/respond/alerts/\S+/)", body).group(1)
    page.goto(link)
    assert_accessible(page)
    page.get_by_label("Your name").fill("Dee Director")
    page.get_by_label("What will your organisation do?").fill("We will review triage staffing this week.")
    page.get_by_label("Your email address, for a receipt (optional)").fill("dee@nhs.example")
    follow(page, page.get_by_role("button", name="Send your response"))
    assert page.locator("h1").inner_text() == "Your answer is recorded"
    receipt = page.inner_text("main")  # the receipt's copy of what was sent, with its reference
    assert alert.reference in receipt and "We will review triage staffing this week." in receipt
    assert "emailed a copy of this receipt to icb@example.org and dee@nhs.example" in receipt
    assert_accessible(page)
    page.goto(link)
    assert "already been used" in page.inner_text("main")
    assert_accessible(page)
    assert alert.recipients.get(body=world.icb).state == "responded"


def test_a_board_member_follows_a_priority_to_its_concerns_refers_it_and_prints_the_pack(page, world):
    from tests.conftest import make_concern, make_priority

    priority = make_priority(world, title="Waits for urgent care", figures=[5, 6, 5, 7, 6, 5, 6, 7, 5, 6, 5, 6, 15])
    from concerns.services import summary_approve

    concern = make_concern(world, narrative="Mr Green waited eleven hours for a bed.")
    summary_approve(concern=concern, text="Waited eleven hours for a bed.", user=world.officer)
    priority.concerns.add(concern)
    sign_in_by_keyboard(page, world.board_member.email)
    assert page.locator("h1").inner_text() == "Priority dashboard"  # a board member lands on it
    assert "Special cause variation: concerning (higher)" in page.inner_text("main")
    assert_accessible(page)

    page.get_by_role("link", name="Waits for urgent care", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)
    page.get_by_role("link", name=concern.reference).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Waited eleven hours for a bed." in page.inner_text("main")  # the shareable summary
    assert "Mr Green" not in page.inner_text("main")  # never the narrative
    page.go_back()

    follow(page, page.get_by_role("link", name="Refer for fuller scrutiny"))
    submit_by_keyboard(page, "Refer for fuller scrutiny")
    assert "Select who to refer it to" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Testshire Scrutiny Committee").focus()
    page.keyboard.press("Space")
    page.get_by_label("What the board wants to know").focus()
    page.keyboard.type("Why are waits rising, and what will the trust do this winter?")
    submit_by_keyboard(page, "Refer for fuller scrutiny")
    assert "Suggested to Testshire Scrutiny Committee" in page.inner_text(".govuk-notification-banner")
    assert "Waiting for Testshire Scrutiny Committee to accept or decline it." in page.inner_text("main")
    assert_accessible(page)

    page.goto(reverse("reports:board-packs", args=[world.area.slug]))
    assert_accessible(page)
    page.get_by_label("Day").fill("10")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2026")
    submit_by_keyboard(page, "Build the board pack")
    assert "Board pack for the meeting on 10 December 2026" in page.inner_text("main")
    assert "Waits for urgent care" in page.inner_text("main")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="download the PDF").click()
    assert download.value.suggested_filename == "board-pack-testshire-2026-12-10.pdf"
    with page.expect_download() as download:
        page.get_by_role("link", name="download it for Word (.docx)").click()
    assert download.value.suggested_filename == "board-pack-testshire-2026-12-10.docx"


def test_the_scrutiny_officer_declines_the_boards_suggestion_and_the_board_reads_why(page, world):
    """From the scrutiny landing page to the suggestion, a missing reason first (the error summary
    takes focus), then declined by keyboard; the board member reads the reasons on the priority."""
    from reports.board import referrals
    from tests.conftest import make_priority

    priority = make_priority(world, title="Waits for urgent care")
    referrals.referral_make(
        priority=priority, user=world.board_member, to_body=world.scrutiny, question="Why are waits rising?",
        report_by=None,
    )  # fmt: skip
    sign_in_by_keyboard(page, world.scrutiny_officer.email)
    page.goto(reverse("reports:scrutiny-home", args=[world.area.slug]))
    follow(page, page.get_by_role("link", name="Waits for urgent care"))
    assert "Why are waits rising?" in page.inner_text("main")
    assert_accessible(page)
    submit_by_keyboard(page, "Decline the suggestion")
    assert "Enter your reasons for declining" in page.inner_text(".govuk-error-summary")
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert_accessible(page)
    page.get_by_label("Your reasons for declining").focus()
    page.keyboard.type("Our programme is full until April; we will look again then.")
    submit_by_keyboard(page, "Decline the suggestion")
    assert "Declined. The board is told, with your reasons." in page.inner_text(".govuk-notification-banner")
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in_by_keyboard(page, world.board_member.email)
    page.goto(reverse("reports:priority", args=[world.area.slug, priority.pk]))
    main = page.inner_text("main")
    assert "Testshire Scrutiny Committee declined it on" in main
    assert "Our programme is full until April; we will look again then." in main
    assert_accessible(page)


def test_a_healthwatch_officer_approves_a_shareable_summary(page, world):
    from tests.conftest import make_concern

    concern = make_concern(world, narrative="Mrs Jones on Larch ward waited all night.")
    sign_in_by_keyboard(page, world.officer.email)
    page.goto(reverse("concerns:detail", args=[world.area.slug, concern.pk]))
    follow(page, page.get_by_role("link", name=f"Write a shareable summary for {concern.reference}"))
    box = page.get_by_label("Shareable summary")
    assert box.input_value() == "Mrs [name removed] on Larch ward waited all night."
    assert_accessible(page)
    box.fill("Call 07700 900123: a patient waited all night.")
    submit_by_keyboard(page, "Approve for sharing")
    assert "looks like a phone number" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Shareable summary").fill("A patient waited all night on a ward.")
    submit_by_keyboard(page, "Approve for sharing")
    assert "Shareable summary for " + concern.reference + " approved." in page.inner_text("main")
    assert_accessible(page)


def test_an_icb_officer_lands_on_what_it_owes_and_answers_by_keyboard(page, world):
    from tests.conftest import make_alert, make_recommendation
    from tests.test_permission_matrix import an_evidence_request

    make_alert(world, recipients=[world.icb])
    make_recommendation(world)
    item = an_evidence_request(world, to=world.icb)
    sign_in_by_keyboard(page, world.icb_officer.email)
    assert page.url.endswith(reverse("bodies:work", args=[world.icb.pk]))
    assert page.locator("h1").inner_text() == "Due from us"
    assert_accessible(page)
    follow(page, page.get_by_role("link", name=f"Answer E-{item.pk:05d}"))
    assert_accessible(page)
    page.get_by_label("What did you find?").focus()
    page.keyboard.type("We asked forty carers.")
    submit_by_keyboard(page, "Send your answer")
    assert "Your answer to" in page.inner_text(".govuk-notification-banner")
    assert "We asked forty carers." in page.inner_text("main")
    assert_accessible(page)


def test_a_joint_committee_officer_starts_a_joint_review_and_each_area_sees_the_work(page, joint):  # noqa: F811
    """The areas a joint review concerns are checkboxes with a legend; the joint labels on each
    area's pages pass axe."""
    from tests.test_joint_committees import joint_recommendation

    rec = joint_recommendation(joint)
    sign_in_by_keyboard(page, joint.joint_officer.email)
    page.goto(reverse("reports:review-create", args=[joint.w.area.slug]))
    page.get_by_label("Eastshire").check()
    page.get_by_label("Topic").fill("Community hospital beds")
    page.get_by_label("Proposed policy or service change").check()
    page.get_by_label("Eastshire").focus()
    assert_accessible(page)
    submit_by_keyboard(page, "Create the review")
    assert "Joint review with Eastshire" in page.inner_text("main")
    assert_accessible(page)
    east = joint.east.slug
    for url in (
        reverse("reports:recommendations", args=[east]),
        reverse("reports:reviews", args=[east]),
        reverse("reports:report", args=[east, rec.report_id]),
        reverse("reports:recommendation", args=[east, rec.pk]),
        reverse("public-reports", args=[east]),
        reverse("public-report", args=[east, rec.report_id]),
    ):
        page.goto(url)
        assert "Testshire" in page.inner_text("main"), url
        assert_accessible(page)


def test_the_scrutiny_officer_drafts_agrees_sends_and_withdraws_by_keyboard(page, world):
    """The report page with a draft, an agreed and a sent recommendation; the agreement's error
    summary (a meeting date in the future); sending; the withdraw form and its error summary."""
    from agencies.models import ResponseDuty
    from reports.recommendations import lifecycle
    from tests.conftest import make_recommendation

    sent = make_recommendation(world)
    nhs = ResponseDuty.objects.get(code="health-scrutiny-nhs", locality=None)
    lifecycle.recommendation_draft(
        report=sent.report, text="Open the discharge lounge at weekends.", addressed_to=world.icb, duty=nhs
    )
    sign_in_by_keyboard(page, world.scrutiny_officer.email)
    page.goto(reverse("reports:report", args=[world.area.slug, sent.report_id]))
    assert "Draft" in page.inner_text("main")
    assert_accessible(page)
    page.get_by_label("Day").first.fill("1")
    page.get_by_label("Month").first.fill("1")
    page.get_by_label("Year").first.fill("2099")
    page.get_by_label("Agreed by").fill("Health Scrutiny Committee")
    submit_by_keyboard(page, "Record the agreement")
    assert "must be today or in the past" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Year").first.fill("2026")
    submit_by_keyboard(page, "Record the agreement")
    assert "Agreement recorded for 1 recommendation" in page.inner_text(".govuk-notification-banner")
    assert_accessible(page)
    submit_by_keyboard(page, "Send the agreed recommendations")
    assert "Each body has its email" in page.inner_text(".govuk-notification-banner")
    assert_accessible(page)
    page.goto(reverse("reports:recommendation-withdraw", args=[world.area.slug, sent.pk]))
    submit_by_keyboard(page, "Withdraw the recommendation")
    assert "Enter why the recommendation is withdrawn" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("Why is it withdrawn?").fill("The ICB already publishes these figures.")
    submit_by_keyboard(page, "Withdraw the recommendation")
    assert "Withdrawn on" in page.inner_text("main")
    assert_accessible(page)


def test_a_person_answers_the_follow_up_and_stops_emails_by_keyboard(page, world):
    """The pages a person reaches from the emails about their experience, in each state."""
    from tests.test_permission_matrix import follow_up_link, stop_link

    page.goto(reverse("people-follow-up", kwargs=follow_up_link(world)))
    submit_by_keyboard(page, "Send your answer")
    assert "Select whether things got better" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.get_by_label("No change").check()
    submit_by_keyboard(page, "Send your answer")
    assert "Thank you for your answer" in page.inner_text("main")
    assert_accessible(page)
    url = reverse("people-updates-stop", kwargs=stop_link(world))
    page.goto(url)
    submit_by_keyboard(page, "Stop emails")
    assert "Emails stopped" in page.inner_text("main")
    assert_accessible(page)
    page.goto(url)
    assert "You have already stopped these emails" in page.inner_text("main")
    assert_accessible(page)
