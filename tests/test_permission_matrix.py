"""Every URL pattern has a declared expectation for each persona.

The test walks Django's URL resolver. A pattern with no entry in MATRIX fails the suite, so a
new page cannot escape the permission rules. Later issues add their pages here.

Kinds of page:
- PUBLIC: anyone may open it (GET gives the listed status to every persona).
- SIGNED_IN: any signed-in person, about themselves (their password); anonymous → sign-in.
- AREA_READ: any member of the area reads it; anonymous → sign-in; outsider → 404.
- AREA_WRITE: readable by members; a POST needs a higher role (read-only → 403).
- AREA_ADMIN: a role-restricted page (administrators, or the page's `owner` persona, such as
  the Healthwatch officer for concerns); read-only → 403 on GET and POST; outsider → 404.
- AREA_ACTION: a button's or a form's target: POST only (GET → 405); read-only → 403; outsider
  → 404; the owner's empty POST acts and redirects (302) or, for a form, shows its errors (400).
- BODY_READ: a body's own page, across every area it serves (its `owner` persona has a seat
  there): anyone with a seat at the body reads it, read-only included; everyone else gets 404,
  the administrators of an area it serves included; read-only seat holders see no answer
  button and are refused (403) when they post an answer.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from agencies.models import FunctionHolding, Membership
from concerns.models import ImportJob, Theme
from tests.conftest import World, make_alert, make_concern, make_priority, make_recommendation, mirror_world

PUBLIC, SIGNED_IN = "public", "signed-in"
AREA_READ, AREA_WRITE, AREA_ADMIN, AREA_ACTION = "area-read", "area-write", "area-admin", "area-action"
AREA_KINDS = {AREA_READ, AREA_WRITE, AREA_ADMIN, AREA_ACTION}
BODY_READ = "body-read"


@dataclasses.dataclass(frozen=True)
class Page:
    kind: str
    kwargs: Callable[[World], dict] = lambda w: {}
    get_status: int = 200  # for PUBLIC pages
    post: bool = True  # False: the page only reads, and a POST gets 405
    owner: str = "owner"  # the World persona who may use the page fully
    html: bool = True  # False for downloads and feeds (CSV, Atom, plain text)
    empty_post: int = 302  # AREA_ACTION: what the owner's empty POST gets (400 for a form's errors)
    answers: Callable[[World], list[str]] = lambda w: []  # BODY_READ: answer pages of items it owes


def area(w: World) -> dict:
    return {"slug": w.area.slug}


def a_concern(w: World) -> dict:
    return {**area(w), "pk": make_concern(w).pk}


def person_reference(w: World) -> str:
    from concerns.person_references import reference_for

    return reference_for(make_concern(w))


def stop_link(w: World) -> dict:
    """The stop-emails link of a person who asked to hear back."""
    from concerns import people_updates

    wish = people_updates.wish_record(concern=make_concern(w), wants=True)
    return {"token": people_updates.stop_token(wish)}


def follow_up_link(w: World) -> dict:
    """The single-use link in a "Did things get better?" email."""
    from agencies.links import link_issue
    from concerns.updates_models import FollowUp

    follow_up = FollowUp.objects.create(concern=make_concern(w), locality=w.area)
    return {"pk": follow_up.pk, "token": link_issue(purpose="follow-up", object_id=follow_up.pk)}


def an_event_code(w: World) -> dict:
    from concerns import outreach

    code = outreach.event_code_issue(
        locality=w.area, body=w.healthwatch, valid_on=datetime.date.today(), event="", issued_by=w.officer
    )
    return {**area(w), "pk": code.pk}


def a_referral(w: World, rid: bool = True) -> dict:
    """A safeguarding concern (referred to the area's adult safeguarding team, for `rid`)."""
    from concerns import safeguarding
    from tests.factories import BodyFactory, hold

    concern = make_concern(w, safeguarding=True)
    if not rid:
        return {**area(w), "pk": concern.pk}
    team = safeguarding.safeguarding_teams(w.area).first()
    if team is None:
        team = BodyFactory(locality=w.area, name="Testshire Adult Safeguarding")
        hold("adult_safeguarding", team)
    referral = safeguarding.referral_record(
        concern=concern, to_body=team, referred_on=concern.received_on, method="phone", user=w.officer
    )
    return {**area(w), "pk": concern.pk, "rid": referral.pk}


def a_submission(w: World, rejected: bool = False) -> dict:
    """An experience shared online by the public, waiting for review (or rejected as spam)."""
    from concerns import triage
    from tests.test_submission_queue import make_submission

    concern = make_submission(w)
    if rejected:
        triage.submission_reject(concern=concern, user=w.officer)
    return {**area(w), "pk": concern.pk}


def an_import(w: World) -> dict:
    job = ImportJob.objects.create(
        locality=w.area,
        collecting_body=w.healthwatch,
        uploaded_by=w.officer,
        file=ContentFile(b"date_received\n", name="x.csv"),
        original_name="x.csv",
        state=ImportJob.State.INVALID,
    )
    return {**area(w), "pk": job.pk}


def a_theme(w: World) -> dict:
    return {**area(w), "pk": Theme.all_objects.filter(locality=w.area).first().pk}


def a_series_note(w: World) -> dict:
    """A note a Healthwatch officer recorded on a theme's chart."""
    import datetime

    from concerns import series_notes

    theme = a_theme(w)["pk"]
    note = series_notes.record(
        user=w.officer,
        locality=w.area,
        series=series_notes.series_key("theme", theme),
        kind="note",
        month=datetime.date(2026, 9, 1),
        reason="Winter pressures",
    )
    return {**area(w), "pk": note.pk}


def an_alert_recipient(w: World) -> dict:
    alert = make_alert(w, recipients=[w.icb, w.scrutiny, w.hwb])  # the read-only persona is at the HWB
    return {**area(w), "pk": alert.pk, "rid": alert.recipients.get(body=w.icb).pk}


def alert_link(w: World) -> dict:
    from agencies.links import link_issue

    alert = make_alert(w)
    recipient = alert.recipients.get(body=w.icb)
    token = link_issue(purpose="alert-recipient", object_id=recipient.pk)
    return {"alert_id": alert.pk, "recipient_id": recipient.pk, "token": token}


def a_closure_day(w: World) -> int:
    from agencies.models import ClosureDay

    return ClosureDay.objects.create(locality=w.area, date=datetime.date(2026, 12, 24), reason="Offices closed").pk


def recommendation_link(w: World) -> dict:
    from agencies.links import link_issue

    rec = make_recommendation(w)
    return {"recommendation_id": rec.pk, "token": link_issue(purpose="recommendation", object_id=rec.pk)}


def an_evidence_request(w: World, to=None):
    from agencies.models import ResponseDuty
    from reports.recommendations import services

    review = make_recommendation(w).report.review
    return services.evidence_request_send(
        review=review,
        to_body=to or w.healthwatch,
        request="Gather views",
        sent_on=datetime.date(2026, 11, 2),
        duty=ResponseDuty.objects.get(code="agreed-date", locality=None),
        agreed_on=datetime.date(2026, 12, 2),
    )


def evidence_link(w: World) -> dict:
    from agencies.links import link_issue

    item = an_evidence_request(w)
    return {"request_id": item.pk, "token": link_issue(purpose="evidence-request", object_id=item.pk)}


def a_body(w: World) -> dict:
    return {"pk": w.icb.pk}


def answers_owed_by_the_icb(w: World) -> list[str]:
    """The in-app answer pages of an alert, a recommendation and an evidence request to the ICB."""
    alert = make_alert(w, recipients=[w.icb])
    rec = make_recommendation(w, to=w.icb)
    item = an_evidence_request(w, to=w.icb)
    return [
        reverse("concerns:alert-respond-in-app", args=[w.area.slug, alert.pk, alert.recipients.get().pk]),
        reverse("reports:recommendation-respond-in-app", args=[w.area.slug, rec.pk]),
        reverse("reports:evidence-answer-in-app", args=[w.area.slug, item.pk]),
    ]


def a_recommendation(w: World) -> dict:
    return {**area(w), "pk": make_recommendation(w).pk}


def a_draft(w: World, *, agreed: bool = False) -> dict:
    """A draft recommendation (agreed at a meeting, for `agreed`) in the scrutiny committee's report."""
    from reports.recommendations import lifecycle

    rec = make_recommendation(w)
    draft = lifecycle.recommendation_draft(report=rec.report, text="Draft words.", addressed_to=w.icb, duty=rec.duty)
    if agreed:
        lifecycle.recommendations_agree(report=rec.report, meeting_on=rec.sent_on, agreed_by="The committee")
    return {**area(w), "pk": draft.pk}


def a_report_with_agreed(w: World) -> dict:
    from reports.models import Recommendation

    return {**area(w), "pk": Recommendation.objects.get(pk=a_draft(w, agreed=True)["pk"]).report_id}


def a_stopped_clock(w: World) -> dict:
    from reports.recommendations import services

    rec = make_recommendation(w)
    services.clock_stop(recommendation=rec, on=rec.sent_on)
    return {**area(w), "pk": rec.pk}


def a_review(w: World) -> dict:
    return {**area(w), "pk": make_recommendation(w).report.review_id}


def a_letter(w: World) -> int:
    from reports.recommendations import services

    rec = make_recommendation(w)
    services.response_record(
        recommendation=rec,
        decision="accepted",
        reasons="",
        action_plan="Plan",
        target_date=None,
        name="CEO",
        letter=ContentFile(b"%PDF-1.4", name="letter.pdf"),
    )
    return rec.pk


def reset_link(w: World) -> dict:
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(w.owner.pk)),
        "token": default_token_generator.make_token(w.owner),
    }


def a_priority(w: World) -> dict:
    return {**area(w), "pk": make_priority(w, figures=[3, 4, 5, 4, 6]).pk}


def a_priority_note(w: World) -> dict:
    """A note recorded on a priority's figure, which a board member may withdraw."""
    from concerns import series_notes

    priority = make_priority(w, figures=[3, 4, 5, 4, 6])
    last = priority.figures.order_by("-month").first().month
    note = series_notes.record(
        user=w.board_member,
        locality=w.area,
        series=series_notes.series_key("priority", priority.pk),
        kind="note",
        month=last,
        reason="Winter pressures",
    )
    return {**area(w), "pk": priority.pk, "note_pk": note.pk}


def a_board_referral(w: World) -> dict:
    """The board's suggestion to the scrutiny committee, waiting for its answer."""
    from reports.board import referrals

    referral = referrals.referral_make(
        priority=make_priority(w), user=w.board_member, to_body=w.scrutiny, question="Why?", report_by=None
    )
    return {**area(w), "pk": referral.pk}


def an_action(w: World) -> dict:
    import datetime

    from reports.board import services as board

    priority = make_priority(w)
    action = board.action_add(
        priority=priority, user=w.owner, action="Report back", owner_body=w.trust, due_on=datetime.date(2027, 1, 5)
    )
    return {**area(w), "pk": priority.pk, "action_pk": action.pk}


def a_board_pack(w: World) -> dict:
    import datetime

    from reports.models import BoardPack

    pack = BoardPack.objects.create(
        locality=w.area,
        meeting_on=datetime.date(2026, 12, 10),
        requested_by=w.board_member,
        state=BoardPack.State.READY,
        html="<h1 class='govuk-heading-xl'>Board pack</h1>",
    )
    pack.pdf.save("pack.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    pack.part_b_html = "<h1 class='govuk-heading-xl'>Board pack: Part B</h1>"
    pack.part_b_pdf.save("pack-part-b.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return {**area(w), "pk": pack.pk}


def an_attach_request(w: World) -> dict:
    """Elsewhere asks the council (whose administrator is the owner) to serve it too."""
    from agencies.models import AttachRequest

    asked, _ = AttachRequest.objects.get_or_create(
        body=w.council, locality=w.other_area, state=AttachRequest.State.PENDING, defaults={"asked_by": w.outsider}
    )
    return {**area(w), "pk": asked.pk}


def a_handover(w: World) -> dict:
    """A planned handover of local Healthwatch's parts (the ICB health, the council social care)."""
    from agencies.handover_models import HandoverPlan
    from agencies.handover_services import Successor, handover_plan_save
    from agencies.models import Function

    plan = HandoverPlan.objects.filter(locality=w.area, state=HandoverPlan.State.PLANNED).first()
    if plan is None:
        function = Function.objects.get(code=Function.LOCAL_HEALTHWATCH)
        parts = {p.code: p for p in function.parts.all()}
        plan = handover_plan_save(
            locality=w.area,
            function=function,
            takes_effect_on=datetime.date.today() + datetime.timedelta(days=120),
            successors=[Successor(parts["health"], w.icb, "Act"), Successor(parts["social_care"], w.council, "Scheme")],
            user=w.owner,
        )
    return {**area(w), "pk": plan.pk}


def a_closed_healthwatch(w: World) -> dict:
    """A Healthwatch that held the function here until it closed: the area's administrators
    record the transfer of its people's details under a scheme."""
    from agencies.models import Body
    from tests.factories import BodyFactory, hold

    found = Body.objects.filter(locality=w.area, name="Healthwatch Testshire (old)").first()
    if found:
        return {**area(w), "body_id": found.pk}
    old = BodyFactory(locality=w.area, name="Healthwatch Testshire (old)", kind="healthwatch", is_active=False)
    holding = hold("local_healthwatch", old)
    holding.ends_on = datetime.date(2020, 3, 31)
    holding.save()
    return {**area(w), "body_id": old.pk}


def a_handover_record(w: World) -> dict:
    """An open alert Healthwatch raised, in the planned handover's health part."""
    return {**a_handover(w), "kind": "alert-raised", "rid": make_alert(w).pk}


MATRIX: dict[str, Page] = {
    "home": Page(PUBLIC, post=False),
    "health": Page(PUBLIC, post=False, html=False),
    "sign-in": Page(PUBLIC, post=False),
    "sign-out": Page(PUBLIC, get_status=405, post=False),
    "signed-out": Page(PUBLIC, post=False),
    "password_change": Page(SIGNED_IN),
    "password_change_done": Page(SIGNED_IN, post=False),
    "password_reset": Page(PUBLIC, post=False),
    "password_reset_done": Page(PUBLIC, post=False),
    "password_reset_confirm": Page(PUBLIC, kwargs=reset_link, get_status=302, post=False),
    "password_reset_complete": Page(PUBLIC, post=False),
    "agencies:quality-system": Page(AREA_READ, area, post=False),
    "agencies:duty": Page(AREA_WRITE, lambda w: {**area(w), "number": 6}),
    "agencies:bodies": Page(AREA_READ, area, post=False),
    "agencies:body-create": Page(AREA_ADMIN, area),
    "agencies:body-detail": Page(AREA_READ, lambda w: {**area(w), "pk": w.trust.pk}, post=False),
    "agencies:body-edit": Page(AREA_ADMIN, lambda w: {**area(w), "pk": w.trust.pk}),
    "agencies:footprint-end": Page(AREA_ADMIN, lambda w: {**area(w), "pk": w.trust.pk}),
    "agencies:body-find": Page(AREA_ADMIN, area, post=False),
    "agencies:attach-request": Page(AREA_ADMIN, lambda w: {**area(w), "pk": w.other_council.pk}),
    "agencies:attach-requests": Page(AREA_ADMIN, area, post=False),
    "agencies:attach-request-answer": Page(AREA_ADMIN, an_attach_request),
    "agencies:functions": Page(AREA_READ, area, post=False),
    "agencies:function-assign": Page(AREA_ADMIN, area),
    # Which part of a divided function each type of service's records belong to (issue 16):
    # the area reads them; administrators change them.
    "agencies:part-rules": Page(AREA_WRITE, area),
    "agencies:holding-end": Page(
        AREA_ADMIN,
        lambda w: {**area(w), "pk": FunctionHolding.objects.get(body=w.hwb).pk},
    ),
    "agencies:people": Page(AREA_ADMIN, area, post=False),
    "agencies:person-add": Page(AREA_ADMIN, area),
    "agencies:membership-edit": Page(
        AREA_ADMIN, lambda w: {**area(w), "pk": Membership.objects.get(user=w.read_only).pk}
    ),
    "agencies:membership-remove": Page(
        AREA_ADMIN, lambda w: {**area(w), "pk": Membership.objects.get(user=w.read_only).pk}
    ),
    "agencies:audit": Page(AREA_ADMIN, area, post=False),
    "agencies:area-settings": Page(AREA_ADMIN, area),
    "agencies:handovers": Page(AREA_ADMIN, area, post=False),
    "agencies:handover-create": Page(AREA_ADMIN, lambda w: {**area(w), "function": "local_healthwatch"}),
    "agencies:handover": Page(AREA_ADMIN, a_handover, post=False),
    "agencies:handover-edit": Page(AREA_ADMIN, a_handover),
    "agencies:handover-cancel": Page(AREA_ACTION, a_handover),
    "agencies:handover-record": Page(AREA_ADMIN, a_handover_record),
    # The outgoing Healthwatch's own staff, until they publish it (issue 17, item 4).
    "reports:closing-report": Page(AREA_ADMIN, a_handover, post=False, owner="officer"),
    "reports:closing-report-edit": Page(AREA_ADMIN, a_handover, owner="officer"),
    "reports:closing-report-pdf": Page(AREA_ADMIN, a_handover, post=False, owner="officer", html=False),
    "reports:closing-report-docx": Page(AREA_ADMIN, a_handover, post=False, owner="officer", html=False),
    "share": Page(PUBLIC, area, post=False),
    "share-thanks": Page(PUBLIC, area, post=False),
    "public-track": Page(PUBLIC, post=False),
    "public-track-reference": Page(PUBLIC, lambda w: {"reference": person_reference(w)}, post=False),
    "people-updates-stop": Page(PUBLIC, stop_link, post=False),
    "people-updates-one-click": Page(PUBLIC, stop_link, get_status=405, post=False, html=False),
    "people-follow-up": Page(PUBLIC, follow_up_link, post=False),
    "concerns:index": Page(AREA_READ, area, post=False),
    "concerns:create": Page(AREA_ADMIN, area, owner="officer"),
    "concerns:export": Page(AREA_READ, area, post=False, html=False),
    # Acting on a selection from the list (issue 14, item 1): an empty selection is refused (400).
    "concerns:selection-alert": Page(AREA_ACTION, area, owner="officer", empty_post=400),
    "concerns:selection-theme": Page(AREA_ACTION, area, owner="officer", empty_post=400),
    "concerns:export-xlsx": Page(AREA_READ, area, post=False, html=False),
    "concerns:detail": Page(AREA_READ, a_concern, post=False),
    "concerns:edit": Page(AREA_ADMIN, a_concern, owner="officer"),
    "concerns:personal": Page(AREA_ADMIN, a_concern, post=False, owner="officer"),
    "concerns:personal-edit": Page(AREA_ADMIN, a_concern, owner="officer"),
    "concerns:safeguarding-refer": Page(AREA_ADMIN, lambda w: a_referral(w, rid=False), owner="officer"),
    "concerns:safeguarding-outcome": Page(AREA_ADMIN, a_referral, owner="officer"),
    "concerns:summary": Page(AREA_ADMIN, a_concern, owner="officer"),
    "concerns:submissions": Page(AREA_ADMIN, area, post=False, owner="officer"),
    "concerns:submission": Page(AREA_ADMIN, a_submission, owner="officer"),
    "concerns:submission-restore": Page(AREA_ACTION, lambda w: a_submission(w, rejected=True), owner="officer"),
    "concerns:submission-retention": Page(AREA_ADMIN, area),
    "concerns:import": Page(AREA_ADMIN, area, owner="officer"),
    "concerns:import-template": Page(AREA_ADMIN, area, post=False, owner="officer", html=False),
    "concerns:import-template-xlsx": Page(AREA_ADMIN, area, post=False, owner="officer", html=False),
    "concerns:import-job": Page(AREA_ADMIN, an_import, post=False, owner="officer"),
    "concerns:import-run": Page(AREA_ACTION, an_import, owner="officer"),
    "concerns:themes": Page(AREA_READ, area, post=False),
    "concerns:theme-create": Page(AREA_ADMIN, area),
    "concerns:theme-edit": Page(AREA_ADMIN, a_theme),
    "concerns:themes-defaults": Page(AREA_ACTION, area),
    "concerns:trends": Page(AREA_READ, area, post=False),
    # Charts of one theme, one service or the whole area: everyone reads; Healthwatch officers
    # (and administrators) record changes and notes on them.
    "concerns:trend-volume": Page(AREA_WRITE, area, owner="officer"),
    "concerns:trend-theme": Page(AREA_WRITE, a_theme, owner="officer"),
    "concerns:trend-service": Page(AREA_WRITE, lambda w: {**area(w), "pk": w.trust.pk}, owner="officer"),
    "concerns:trend-note-withdraw": Page(AREA_ADMIN, a_series_note, owner="officer"),
    "concerns:access-log": Page(AREA_ADMIN, area, post=False),
    "concerns:seals": Page(AREA_ADMIN, area, post=False),
    "concerns:seal-retention": Page(AREA_ADMIN, area),
    "concerns:seal-destroy": Page(AREA_ACTION, lambda w: {**area(w), "body_id": w.healthwatch.pk}),
    "concerns:details-transfer": Page(AREA_ADMIN, a_closed_healthwatch),
    "concerns:event-codes": Page(AREA_ADMIN, area, owner="officer"),
    "concerns:event-code-withdraw": Page(AREA_ACTION, an_event_code, owner="officer"),
    "concerns:alerts": Page(AREA_READ, area, post=False),
    "concerns:alert-create": Page(AREA_ADMIN, area, owner="officer"),
    "concerns:alert-detail": Page(
        AREA_READ,
        lambda w: {**area(w), "pk": make_alert(w, recipients=[w.icb, w.hwb]).pk},
        post=False,
        owner="officer",
    ),
    "concerns:alert-acknowledge": Page(AREA_ACTION, lambda w: an_alert_recipient(w), owner="icb_officer"),
    "concerns:alert-respond-in-app": Page(AREA_ADMIN, lambda w: an_alert_recipient(w), owner="icb_officer"),
    "inbox": Page(SIGNED_IN, post=False),
    "inbox-read": Page(SIGNED_IN, get_status=405, post=False),
    "notification-settings": Page(SIGNED_IN),
    "alert-respond": Page(PUBLIC, alert_link, get_status=200, post=False),
    "reports:dashboard": Page(AREA_READ, area, post=False),
    "reports:concerns-chart": Page(AREA_READ, area, post=False),
    "reports:healthwatch-home": Page(AREA_READ, area, post=False, owner="officer"),
    "reports:scrutiny-home": Page(AREA_READ, area, post=False, owner="scrutiny_officer"),
    "reports:priorities": Page(AREA_READ, area, post=False),
    "reports:priority-create": Page(AREA_ADMIN, area, owner="board_member"),
    "reports:selection-priority": Page(AREA_ACTION, area, owner="board_member", empty_post=400),
    "reports:priority": Page(AREA_READ, a_priority, post=False),
    "reports:priority-edit": Page(AREA_ADMIN, a_priority, owner="board_member"),
    "reports:priority-chart": Page(AREA_READ, a_priority, post=False),
    "reports:priority-chart-record": Page(AREA_ACTION, a_priority, owner="board_member", empty_post=400),
    "reports:priority-chart-withdraw": Page(AREA_ADMIN, a_priority_note, owner="board_member"),
    "reports:priority-progress": Page(AREA_ADMIN, a_priority, owner="board_member"),
    "reports:priority-action-add": Page(AREA_ADMIN, a_priority, owner="board_member"),
    "reports:priority-action-done": Page(AREA_ACTION, an_action, owner="board_member"),
    "reports:priority-figures": Page(AREA_ADMIN, a_priority, owner="board_member"),
    "reports:priority-link": Page(AREA_ADMIN, a_priority, owner="board_member"),
    "reports:priority-refer": Page(AREA_ADMIN, a_priority, owner="board_member"),
    "reports:referral": Page(AREA_READ, a_board_referral, post=False, owner="scrutiny_officer"),
    "reports:referral-accept": Page(AREA_ACTION, a_board_referral, owner="scrutiny_officer"),
    "reports:referral-decline": Page(AREA_ADMIN, a_board_referral, owner="scrutiny_officer"),
    # The QSG's views: board members and ICB or QSG officers only (observers and others 403).
    "reports:surveillance": Page(AREA_ADMIN, area, post=False, owner="icb_officer"),
    "reports:surveillance-record": Page(AREA_ADMIN, area, owner="icb_officer"),
    "reports:board-packs": Page(AREA_WRITE, area, owner="board_member"),
    "reports:board-pack": Page(AREA_READ, a_board_pack, post=False),
    "reports:board-pack-pdf": Page(AREA_READ, a_board_pack, post=False, html=False),
    "reports:board-pack-docx": Page(AREA_READ, a_board_pack, post=False, html=False),
    # Part B (exempt, Schedule 12A): board members and ICB or QSG officers only.
    "reports:board-pack-part-b-pdf": Page(AREA_ADMIN, a_board_pack, post=False, html=False, owner="icb_officer"),
    "reports:board-pack-part-b-docx": Page(AREA_ADMIN, a_board_pack, post=False, html=False, owner="icb_officer"),
    "reports:recommendations": Page(AREA_READ, area, post=False),
    "reports:tracker-csv": Page(AREA_READ, area, post=False, html=False),
    "reports:recommendation": Page(AREA_READ, a_recommendation, post=False, owner="scrutiny_officer"),
    "reports:recommendation-extend": Page(AREA_ACTION, a_recommendation, owner="scrutiny_officer", empty_post=400),
    "reports:recommendation-clock-stop": Page(AREA_ACTION, a_recommendation, owner="scrutiny_officer"),
    "reports:recommendation-clock-restart": Page(AREA_ACTION, a_stopped_clock, owner="scrutiny_officer"),
    "reports:recommendation-close": Page(AREA_ACTION, a_recommendation, owner="scrutiny_officer"),
    "reports:recommendation-reopen": Page(AREA_ACTION, a_recommendation, owner="scrutiny_officer"),
    "reports:recommendation-update": Page(AREA_ACTION, a_recommendation, owner="scrutiny_officer", empty_post=400),
    "reports:recommendation-letter-record": Page(
        AREA_ACTION, a_recommendation, owner="scrutiny_officer", empty_post=400
    ),
    "reports:recommendation-respond-in-app": Page(
        AREA_ADMIN, lambda w: {**area(w), "pk": make_recommendation(w).pk}, owner="icb_officer"
    ),
    "reports:reviews": Page(AREA_READ, area, post=False),
    "reports:review-create": Page(AREA_ADMIN, area, owner="scrutiny_officer"),
    "reports:selection-review": Page(AREA_ACTION, area, owner="officer", empty_post=400),
    "reports:review": Page(AREA_READ, a_review, post=False, owner="scrutiny_officer"),
    "reports:review-state": Page(AREA_ACTION, a_review, owner="scrutiny_officer"),
    "reports:review-evidence": Page(AREA_ACTION, a_review, owner="scrutiny_officer", empty_post=400),
    "reports:report-create": Page(
        AREA_ADMIN, lambda w: {**area(w), "pk": make_recommendation(w).report.review_id}, owner="scrutiny_officer"
    ),
    "reports:report": Page(
        AREA_WRITE, lambda w: {**area(w), "pk": make_recommendation(w).report_id}, owner="scrutiny_officer"
    ),
    "reports:report-record-sent": Page(
        AREA_ADMIN, lambda w: {**area(w), "pk": make_recommendation(w).report_id}, owner="scrutiny_officer"
    ),
    "reports:report-agree": Page(
        AREA_ACTION,
        lambda w: {**area(w), "pk": make_recommendation(w).report_id},
        owner="scrutiny_officer",
        empty_post=400,
    ),
    "reports:report-send": Page(AREA_ACTION, a_report_with_agreed, owner="scrutiny_officer"),
    "reports:report-accuracy-check": Page(
        AREA_ADMIN, lambda w: {**area(w), "pk": make_recommendation(w).report_id}, owner="scrutiny_officer"
    ),
    "reports:report-accuracy-check-done": Page(
        AREA_ACTION, lambda w: {**area(w), "pk": make_recommendation(w).report_id}, owner="scrutiny_officer"
    ),
    "reports:recommendation-edit": Page(AREA_ADMIN, a_draft, owner="scrutiny_officer"),
    "reports:recommendation-delete": Page(AREA_ACTION, a_draft, owner="scrutiny_officer"),
    "reports:recommendation-send": Page(AREA_ACTION, lambda w: a_draft(w, agreed=True), owner="scrutiny_officer"),
    "reports:recommendation-withdraw": Page(AREA_ADMIN, a_recommendation, owner="scrutiny_officer"),
    "reports:recommendation-correct": Page(AREA_ADMIN, a_recommendation, owner="scrutiny_officer"),
    "reports:report-publish": Page(
        AREA_ACTION, lambda w: {**area(w), "pk": make_recommendation(w).report_id}, owner="scrutiny_officer"
    ),
    "reports:recommendation-letter": Page(
        AREA_ADMIN, lambda w: {**area(w), "pk": a_letter(w)}, post=False, owner="scrutiny_officer", html=False
    ),
    "recommendation-respond": Page(PUBLIC, lambda w: recommendation_link(w), post=False),
    "evidence-answer": Page(PUBLIC, lambda w: evidence_link(w), post=False),
    "public-reports": Page(PUBLIC, area, post=False),
    "public-report": Page(
        PUBLIC, lambda w: {**area(w), "pk": make_recommendation(w, publish=True).report_id}, post=False
    ),
    "public-feed": Page(PUBLIC, area, post=False, html=False),
    "public-told-us": Page(PUBLIC, area, post=False),
    "reports:evidence-answer-in-app": Page(
        AREA_ADMIN, lambda w: {**area(w), "pk": an_evidence_request(w).pk}, owner="officer"
    ),
    "bodies:work": Page(BODY_READ, a_body, post=False, owner="icb_officer", answers=answers_owed_by_the_icb),
    "reports:closure-days": Page(AREA_ADMIN, area),
    "reports:closure-day-remove": Page(AREA_ACTION, lambda w: {**area(w), "pk": a_closure_day(w)}),
}

# Django's admin enforces its own staff permission on every one of its pages.
DELEGATED_NAMESPACES = {"admin"}


def all_pattern_names(resolver=None, namespace: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}{pattern.namespace}:"
            names.extend(all_pattern_names(pattern, inner))
        elif isinstance(pattern, URLPattern):
            names.append(f"{namespace}{pattern.name or f'<unnamed {pattern.pattern}>'}")
    return names


def test_every_url_pattern_has_a_declared_expectation():
    undeclared = sorted(
        name
        for name in set(all_pattern_names())
        if name not in MATRIX and name.split(":")[0] not in DELEGATED_NAMESPACES
    )
    assert undeclared == [], f"Add these URL patterns to MATRIX: {undeclared}"


def test_matrix_has_no_stale_entries():
    assert sorted(set(MATRIX) - set(all_pattern_names())) == []


def _pages(kinds):
    return [name for name, page in MATRIX.items() if page.kind in kinds]


@pytest.mark.parametrize("name", _pages({PUBLIC}))
def test_public_pages_answer_everyone(name, world, client):
    page = MATRIX[name]
    url = reverse(name, kwargs=page.kwargs(world))
    assert client.get(url).status_code == page.get_status
    for person in (world.outsider, world.far_outsider, world.multi):
        client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
        assert client.get(url).status_code in {page.get_status, 302}


@pytest.mark.parametrize("name", _pages({SIGNED_IN, BODY_READ} | AREA_KINDS))
def test_anonymous_people_are_sent_to_sign_in(name, world, client):
    url = reverse(name, kwargs=MATRIX[name].kwargs(world))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign-in"))
    response = client.post(url, {})
    assert response.status_code in {302, 403}  # 403: CSRF refuses first on some pages
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("sign-in"))


@pytest.mark.parametrize("name", _pages(AREA_KINDS))
def test_outsiders_get_not_found(name, world, login):
    client = login(world.outsider)
    url = reverse(name, kwargs=MATRIX[name].kwargs(world))
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code in {404, 405}


@pytest.mark.parametrize("name", _pages({AREA_READ, AREA_WRITE}))
def test_read_only_members_can_read(name, world, login):
    client = login(world.read_only)
    assert client.get(reverse(name, kwargs=MATRIX[name].kwargs(world))).status_code == 200


@pytest.mark.parametrize("name", [n for n in _pages({AREA_WRITE, AREA_ADMIN, AREA_ACTION}) if MATRIX[n].post])
def test_read_only_members_cannot_write(name, world, login):
    client = login(world.read_only)
    url = reverse(name, kwargs=MATRIX[name].kwargs(world))
    assert client.post(url, {}).status_code == 403


@pytest.mark.parametrize("name", _pages({AREA_ADMIN}))
def test_read_only_members_cannot_open_administration_pages(name, world, login):
    client = login(world.read_only)
    assert client.get(reverse(name, kwargs=MATRIX[name].kwargs(world))).status_code == 403


@pytest.mark.parametrize("name", _pages({AREA_READ, AREA_WRITE, AREA_ADMIN}))
def test_owners_can_open_every_page_in_their_area(name, world, login):
    client = login(getattr(world, MATRIX[name].owner))
    assert client.get(reverse(name, kwargs=MATRIX[name].kwargs(world))).status_code == 200


@pytest.mark.parametrize("name", _pages({AREA_ACTION}))
def test_actions_only_answer_a_post(name, world, login):
    client = login(getattr(world, MATRIX[name].owner))
    url = reverse(name, kwargs=MATRIX[name].kwargs(world))
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == MATRIX[name].empty_post
    if response.status_code == 400:
        assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize("name", [n for n in _pages({AREA_WRITE, AREA_ADMIN}) if MATRIX[n].post])
def test_owner_posting_an_empty_form_gets_errors_not_a_refusal(name, world, login):
    client = login(getattr(world, MATRIX[name].owner))
    response = client.post(reverse(name, kwargs=MATRIX[name].kwargs(world)), {})
    # An empty form is invalid (400 with an error summary) or a confirmation that acts (302).
    assert response.status_code in {400, 302}
    if response.status_code == 400:
        assert "There is a problem" in response.content.decode()


@pytest.mark.parametrize("name", _pages({SIGNED_IN}))
def test_pages_about_yourself_open_for_every_signed_in_person(name, world, login):
    for user in (world.outsider, world.far_outsider, world.multi, world.read_only, world.owner):
        client = login(user)
        assert client.get(reverse(name)).status_code == MATRIX[name].get_status


@pytest.mark.parametrize("name", [n for n in _pages({AREA_READ, AREA_WRITE, AREA_ADMIN}) if not MATRIX[n].post])
def test_pages_that_only_read_refuse_a_post(name, world, login):
    client = login(getattr(world, MATRIX[name].owner))
    assert client.post(reverse(name, kwargs=MATRIX[name].kwargs(world)), {}).status_code == 405


@pytest.mark.parametrize("name", _pages({BODY_READ}))
def test_body_pages_are_not_found_by_people_without_a_seat_there(name, world, login):
    url = reverse(name, kwargs=MATRIX[name].kwargs(world))
    # The outsider is from another area; the owner administers an area the body serves.
    for user in (world.outsider, world.owner, world.read_only):
        client = login(user)
        assert client.get(url).status_code == 404, user
        assert client.post(url, {}).status_code in {404, 405}, user


@pytest.mark.parametrize("name", _pages({BODY_READ}))
def test_body_pages_are_read_by_everyone_with_a_seat_there(name, world, login):
    page = MATRIX[name]
    kwargs = page.kwargs(world)
    answers = page.answers(world)
    url = reverse(name, kwargs=kwargs)
    shown = login(getattr(world, page.owner)).get(url)
    assert shown.status_code == 200
    assert all(answer in shown.content.decode() for answer in answers)
    Membership.objects.create(user=world.read_only, body_id=kwargs["pk"], role="read_only")
    client = login(world.read_only)
    shown = client.get(url)
    assert shown.status_code == 200
    assert not any(answer in shown.content.decode() for answer in answers)
    for answer in answers:
        assert client.post(answer, {"response": "We will act.", "answer": "Views gathered."}).status_code == 403


@pytest.mark.parametrize("name", [n for n in _pages({BODY_READ}) if not MATRIX[n].post])
def test_body_pages_that_only_read_refuse_a_post(name, world, login):
    client = login(getattr(world, MATRIX[name].owner))
    assert client.post(reverse(name, kwargs=MATRIX[name].kwargs(world)), {}).status_code == 405


def test_admin_site_refuses_people_who_are_not_staff(world, login):
    client = login(world.owner)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# Bodies that serve several areas (issue 12). The world's ICB serves Testshire and a second
# area; `multi` is an officer there (one membership, a seat in each area). `far_outsider`
# administers a body serving only a third area. `mirror_world` builds the second area's own
# bodies and people, so a page's kwargs made from it put the record in the second area.

TESTSHIRE_ONLY = ("owner", "officer", "read_only", "scrutiny_officer", "board_member")

# Pages owned by another persona that an ICB officer may use too: any body's officers raise
# alerts; the body a recommendation is addressed to reports its progress and opens the letter.
ALSO_FOR_THE_ICB = {
    "concerns:alert-create",
    "concerns:selection-alert",
    "reports:recommendation-update",
    "reports:recommendation-letter",
}


def _icb_may_use(name: str) -> bool:
    return MATRIX[name].owner == "icb_officer" or name in ALSO_FOR_THE_ICB


@pytest.mark.parametrize("name", _pages(AREA_KINDS))
def test_outsiders_from_a_third_area_get_not_found(name, world, login):
    client = login(world.far_outsider)
    url = reverse(name, kwargs=MATRIX[name].kwargs(world))
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code in {404, 405}


@pytest.mark.parametrize("name", _pages({AREA_READ, AREA_WRITE}))
def test_people_of_a_multi_area_body_read_every_page_of_each_area(name, world, login):
    client = login(world.multi)
    assert client.get(reverse(name, kwargs=MATRIX[name].kwargs(world))).status_code == 200
    assert client.get(reverse(name, kwargs=MATRIX[name].kwargs(mirror_world(world)))).status_code == 200


@pytest.mark.parametrize("name", [n for n in _pages({AREA_WRITE, AREA_ADMIN, AREA_ACTION}) if MATRIX[n].post])
def test_people_of_a_multi_area_body_may_write_only_what_their_seat_allows(name, world, login):
    """An officer of the ICB uses the ICB's own pages (answering what is addressed to it) and is
    refused everyone else's, in each area it serves alike."""
    page = MATRIX[name]
    client = login(world.multi)
    for w in (world, mirror_world(world)):
        url = reverse(name, kwargs=page.kwargs(w))
        response = client.post(url, {})
        if _icb_may_use(name):
            expected = {page.empty_post} if page.kind == AREA_ACTION else {400, 302}
            assert response.status_code in expected
        else:
            assert response.status_code == 403


@pytest.mark.parametrize("name", _pages({AREA_ADMIN}))
def test_people_of_a_multi_area_body_open_only_their_own_administration_pages(name, world, login):
    page = MATRIX[name]
    client = login(world.multi)
    for w in (world, mirror_world(world)):
        status = client.get(reverse(name, kwargs=page.kwargs(w))).status_code
        assert status == (200 if _icb_may_use(name) else 403)


@pytest.mark.parametrize("name", _pages(AREA_KINDS))
def test_the_other_area_of_a_shared_body_is_not_found_by_this_areas_people(name, world, login):
    """A record of the ICB's second area (built there) is out of reach for Testshire's people,
    even those who share work with the ICB; the second area's own people reach it."""
    page = MATRIX[name]
    mirror = mirror_world(world)
    url = reverse(name, kwargs=page.kwargs(mirror))
    for persona in TESTSHIRE_ONLY:
        client = login(getattr(world, persona))
        assert client.get(url).status_code == 404, persona
        assert client.post(url, {}).status_code in {404, 405}, persona
    if page.kind != AREA_ACTION:
        assert login(getattr(mirror, page.owner)).get(url).status_code == 200
