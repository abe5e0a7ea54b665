"""Writes for concerns, themes and personal details. Each validates, writes in one
transaction and returns the object; views, imports and the public form all call these."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from agencies.access import serves
from agencies.models import Body, Locality, User
from quality_system.approx_dates import Precision

from . import people_updates, person_references, redaction, summaries
from .models import (
    SUMMARY_MAX,
    Channel,
    Concern,
    ConcernContact,
    ConcernTheme,
    EventCode,
    PersonalDataAccess,
    Sentiment,
    Status,
    Theme,
)

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

CONTACT_FIELDS = (
    "name",
    "email",
    "phone",
    "consent_to_contact",
    "consent_to_share",
    "age_band",
    "disability",
    "ethnicity",
    "sex",
    "postcode_district",
)


@dataclasses.dataclass
class ConcernDetails:
    """What a concern says, as typed into the form, sent by the public, or imported."""

    received_on: datetime.date
    channel: str
    service_type: str
    sentiment: str
    narrative: str
    themes: list[Theme] = dataclasses.field(default_factory=list)
    service: Body | None = None
    source_body: Body | None = None
    severity: int = 0
    safeguarding: bool = False
    status: str = Status.REVIEWED
    closed_reason: str = ""
    external_ref: str = ""
    service_described: str = ""
    happened_on: datetime.date | None = None
    happened_on_precision: str = Precision.DAY


def themes_ensure_defaults(*, locality: Locality) -> int:
    """Give an area the default themes it does not have yet. Returns how many were added."""
    existing = set(
        Theme.all_objects.filter(locality=locality).annotate(lower=Lower("name")).values_list("lower", flat=True)
    )
    added = [Theme(locality=locality, name=n) for n in DEFAULT_THEMES if n.lower() not in existing]
    Theme.all_objects.bulk_create(added)
    return len(added)


def _theme_name_taken(locality: Locality, name: str, exclude_pk: int | None) -> bool:
    return (
        Theme.all_objects.filter(locality=locality)
        .annotate(lower=Lower("name"))
        .filter(lower=name.lower())
        .exclude(pk=exclude_pk)
        .exists()
    )


def theme_save(
    *,
    locality: Locality,
    name: str,
    description: str = "",
    is_active: bool = True,
    theme: Theme | None = None,
) -> Theme:
    """Add a theme, or rename or retire one. Tags and history are kept either way."""
    if _theme_name_taken(locality, name, theme.pk if theme else None):
        raise ValidationError({"name": f"There is already a theme called ‘{name}’. Use a different name."})
    theme = theme or Theme(locality=locality)
    theme.name, theme.description, theme.is_active = name, description, is_active
    theme.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            theme.save()
    except IntegrityError:
        raise ValidationError({"name": f"There is already a theme called ‘{name}’. Use a different name."}) from None
    return theme


def _validate(locality: Locality, details: ConcernDetails) -> None:
    errors: dict[str, str] = {}
    if details.received_on > timezone.localdate():
        errors["received_on"] = "The date received must be today or in the past"
    if details.happened_on and details.happened_on > details.received_on:
        errors["happened_on"] = "The date it happened must be on or before the date received"
    if details.happened_on_precision not in Precision.values:
        errors["happened_on"] = "Choose whether the date it happened is an exact day, a month and year, or about a day"
    for field, body in (("service", details.service), ("source_body", details.source_body)):
        if not serves(locality, body):
            errors[field] = "Choose a body that serves this area"
    for theme in details.themes:
        if theme.locality_id != locality.pk:
            errors["themes"] = "Choose themes from this area's list"
    if details.channel not in Channel.values:
        errors["channel"] = "Select how the experience reached you"
    if details.sentiment not in Sentiment.values:
        errors["sentiment"] = "Select whether the experience was positive, negative, mixed or neutral"
    if not 0 <= details.severity <= 5:
        errors["severity"] = "Severity must be a whole number from 0 to 5"
    if not details.narrative.strip():
        errors["narrative"] = "Enter what happened"
    if details.status == Status.CLOSED and not details.closed_reason.strip():
        errors["closed_reason"] = "Enter why the concern is closed"
    if errors:
        raise ValidationError(errors)


def theme_names(themes: Iterable[Theme]) -> str:
    return "; ".join(sorted({t.name for t in themes}))[:1000]


def _write_tags(concern: Concern, themes: Iterable[Theme]) -> None:
    ConcernTheme.objects.filter(concern=concern).delete()
    ConcernTheme.objects.bulk_create(
        ConcernTheme(concern=concern, theme=t, locality_id=concern.locality_id, received_on=concern.received_on)
        for t in {t.pk: t for t in themes}.values()
    )


def concern_log(
    *,
    locality: Locality,
    collecting_body: Body,
    details: ConcernDetails,
    created_by: User | None = None,
    from_public: bool = False,
    contact: dict | None = None,
    wants_updates: bool = False,
    event_code: EventCode | None = None,
    send_confirmation: bool = False,
) -> Concern:
    """Record an experience or concern, its themes and (apart) the person's details, the
    event code it was shared under, if any, and whether the person wants an email when
    something happens because of it. Every concern gets the reference its person can quote;
    with `send_confirmation` (the public form) a person who gave an email address is sent it."""
    if not serves(locality, collecting_body):
        raise ValidationError("The collecting body must serve this area.")
    _validate(locality, details)
    with transaction.atomic():
        concern = Concern(
            locality=locality,
            collecting_body=collecting_body,
            created_by=created_by,
            from_public=from_public,
            event_code=event_code,
            theme_names=theme_names(details.themes),
            **{f.name: getattr(details, f.name) for f in dataclasses.fields(details) if f.name != "themes"},
        )
        concern.save()
        _write_tags(concern, details.themes)
        summaries.mark_changed(locality.pk)
        if contact and any(contact.get(k) for k in ("name", "email", "phone")):
            ConcernContact.all_objects.create(
                concern=concern, **{k: v for k, v in contact.items() if k in CONTACT_FIELDS}
            )
        person_references.reference_for(concern)
        if wants_updates:
            people_updates.wish_record(concern=concern, wants=True)
        if send_confirmation and contact and contact.get("email"):
            person_references.confirmation_queue(concern=concern, email=contact["email"], name=contact.get("name", ""))
    return concern


def concern_changed(concern: Concern, details: ConcernDetails) -> bool:
    """Whether the details say anything the concern does not already say."""
    return theme_names(details.themes) != concern.theme_names or any(
        getattr(concern, f.name) != getattr(details, f.name) for f in dataclasses.fields(details) if f.name != "themes"
    )


def concern_update(*, concern: Concern, details: ConcernDetails) -> Concern:
    """Change what a concern says. The history keeps every earlier version."""
    _validate(concern.locality, details)
    if not concern_changed(concern, details):  # saving with no changes adds nothing to the history
        return concern
    with transaction.atomic():
        status_before = concern.status
        for f in dataclasses.fields(details):
            if f.name != "themes":
                setattr(concern, f.name, getattr(details, f.name))
        concern.theme_names = theme_names(details.themes)
        concern.save()
        _write_tags(concern, details.themes)
        summaries.mark_changed(concern.locality_id)
        if concern.status != status_before:
            people_updates.status_changed(concern=concern)
    return concern


def personal_details_read(*, user: User, concern: Concern) -> ConcernContact | None:
    """The person's details, with the read logged (call only for entitled users)."""
    PersonalDataAccess.objects.create(
        user=user, concern=concern, locality_id=concern.locality_id, action=PersonalDataAccess.Action.VIEW
    )
    return ConcernContact.all_objects.filter(concern=concern).first()


def personal_details_update(*, user: User, concern: Concern, details: dict) -> ConcernContact:
    with transaction.atomic():
        contact, _ = ConcernContact.all_objects.get_or_create(concern=concern)
        for key in CONTACT_FIELDS:
            if key in details:
                setattr(contact, key, details[key])
        contact.full_clean()
        contact.save()
        PersonalDataAccess.objects.create(
            user=user, concern=concern, locality_id=concern.locality_id, action=PersonalDataAccess.Action.EDIT
        )
        if "wants_updates" in details:
            people_updates.wish_record(concern=concern, wants=details["wants_updates"])
        if concern.safeguarding and "safeguarding_updates" in details:
            people_updates.safeguarding_allow(concern=concern, user=user, allow=details["safeguarding_updates"])
    return contact


def personal_details_exported(*, user: User, locality: Locality, filters: str) -> None:
    PersonalDataAccess.objects.create(
        user=user,
        locality=locality,
        action=PersonalDataAccess.Action.EXPORT,
        detail=f"Exported the list with personal details ({filters or 'no filters'})"[:200],
    )


def summary_approve(*, concern: Concern, text: str, user: User) -> Concern:
    """Approve the text that may leave the collecting body in place of the narrative. Refused
    while it still holds an obvious identifier (a name after a title, a phone number…)."""
    text = text.strip()
    if not text:
        raise ValidationError({"shareable_summary": "Enter a shareable summary"})
    if len(text) > SUMMARY_MAX:
        raise ValidationError({"shareable_summary": f"Shareable summary must be {SUMMARY_MAX:,} characters or fewer"})
    left = redaction.find_identifiers(text)
    if left:
        named = [f"{found.kind} (‘{found.text}’)" for found in left[:3]]
        markers = " or ".join(dict.fromkeys(found.marker for found in left[:3]))
        raise ValidationError(
            {
                "shareable_summary": f"The summary still has what looks like {' and '.join(named)}. "
                f"Remove {'it' if len(left) == 1 else 'them'}, or replace {'it' if len(left) == 1 else 'each'} "
                f"with a marker like {markers}."
            }
        )
    concern.shareable_summary = text
    concern.summary_approved_by = user
    concern.summary_approved_at = timezone.now()
    concern._history_user = user  # type: ignore[attr-defined]  # the history names who approved it
    concern.save()
    return concern


def concerns_theme_add(*, concerns: list[Concern], theme: Theme, user: User) -> int:
    """Add `theme` to each experience that does not have it, as a single edit would: its tag,
    its theme names, and a history record naming `user`; all or none. Returns how many changed."""
    if not theme.is_active:
        raise ValidationError({"theme": "Choose a theme that is in use"})
    if any(c.locality_id != theme.locality_id for c in concerns):
        raise ValidationError({"theme": "Choose a theme from this area's list"})
    with transaction.atomic():
        # Read again, locked: the selection was read before this request, and a tag copies its
        # concern's date (the theme filter orders by it), so an edit made since must count.
        concerns = list(Concern.all_objects.select_for_update().filter(pk__in=[c.pk for c in concerns]).order_by("pk"))
        current: dict[int, list[Theme]] = {c.pk: [] for c in concerns}
        for tag in ConcernTheme.objects.filter(concern__in=concerns).select_related("theme"):
            current[tag.concern_id].append(tag.theme)
        changing = [c for c in concerns if theme not in current[c.pk]]
        ConcernTheme.objects.bulk_create(
            ConcernTheme(concern=c, theme=theme, locality_id=c.locality_id, received_on=c.received_on) for c in changing
        )
        for concern in changing:
            concern.theme_names = theme_names([*current[concern.pk], theme])
            concern._history_user = user  # type: ignore[attr-defined]  # the history names who changed it
            concern.save(update_fields=["theme_names", "updated_at"])
        if changing:
            summaries.mark_changed(theme.locality_id)
    return len(changing)
