"""The hostile-input suite (issue 11, "Keep it proven").

Every page in the permission matrix is opened as its owner persona (anonymously for public
pages) and its forms are found by reading the HTML. A form whose target this suite does not
know fails it, as a URL without an entry fails the matrix. Each known form is then posted field
by field with a corpus of hostile values (script and attribute-breaking HTML, a 1 MB string,
NUL and other control characters, direction overrides and invisible characters, CR LF header
injection, spreadsheet formulas, impossible and extreme dates, negative and huge numbers and
non-integer ids), from a baseline of otherwise sensible values.

Asserted: no server error; nothing stored that the text rule (quality_system.text) forbids;
and, afterwards, nothing unsafe: the area's pages, the board pack and the Atom feed escape the
markup, CSV exports neutralise formulas, and no email header carries a line break.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core import mail
from django.db import models
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from tests.conftest import RUN_SUMMARY
from tests.test_permission_matrix import AREA_ACTION, MATRIX, PUBLIC

pytestmark = pytest.mark.slow

MARK = "hostile"
TEXT = {
    "script": f"<script>{MARK}(1)</script>",
    "attribute": f'"><img src=x onerror={MARK}(2)><a href="javascript:{MARK}(3)">x</a>',
    "formula": f'=HYPERLINK("https://evil.example/?{MARK}","click")',
    "null": f"{MARK}\x00nul",
    "direction override": f"{MARK}\u202egnp.exe",
    "isolate": f"{MARK}\u2066x\u2069",
    "escape and zero width": f"{MARK}\x1b[31m\u200bx",
    "header injection": f"{MARK}\r\nBcc: victim@example.org\r\nSubject: pwned",
}
BIG = f"<b>{MARK}</b>" + "A" * 1_000_000  # once per form, in its first free-text field
NUMBERS = ["-1", "1e308", "9" * 40, "NaN", "Infinity", "²", "1.5", "-0"]
IDS = ["abc", "1.5", "²", "", "-1", "9" * 23, "0x10"]
DATES = [
    ("31", "2", "2026"),
    ("0", "0", "0"),
    ("1", "1", "99999"),
    ("1", "1", "1"),
    ("²", "1", "2026"),
    ("-1", "13", "2026"),
]
NUMBER_FIELDS = {"value", "target", "number"}
# Stored text the rule forbids: control characters (tab and line feed apart; carriage returns
# are normalised away) and direction embeddings, overrides and isolates.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The payloads' own markup, unescaped (escaped, the < and " become &lt; and &quot;).
LIVE_MARKUP = re.compile(rf"<script>{MARK}|<img src=x onerror={MARK}|<b>{MARK}|(href|src)=\"?javascript:{MARK}", re.I)


@dataclasses.dataclass(frozen=True)
class Known:
    """A form the suite knows: values that make the rest of the form valid, and whether each
    post needs a fresh target (a link used up by a successful answer)."""

    baseline: dict = dataclasses.field(default_factory=dict)
    fresh: bool = False
    post: bool = True  # False: never posted (signing out would end the persona's session)


DAY = {"_0": "2", "_1": "11", "_2": "2026"}
FUTURE = {"_0": "10", "_1": "12", "_2": "2030"}


def day(name: str, when=DAY) -> dict:
    return {f"{name}{part}": value for part, value in when.items()}


KNOWN: dict[str, Known] = {
    "sign-in": Known({"username": "nobody@example.org", "password": "not-the-password"}),
    "sign-out": Known(post=False),
    "password_change": Known({"old_password": "wrong", "new_password1": "x", "new_password2": "x"}),
    "password_reset": Known({"email": "nobody@example.org"}),
    "agencies:duty": Known(),
    "agencies:body-create": Known({"contact_email": "body@example.org"}),
    "agencies:body-edit": Known(),
    "agencies:function-assign": Known(day("starts_on")),
    "agencies:holding-end": Known(day("ends_on", FUTURE)),
    "agencies:part-rules": Known(),
    "agencies:person-add": Known({"email": "new.person@example.org"}),
    "agencies:body-find": Known(),
    "agencies:attach-request": Known(),
    "agencies:attach-request-answer": Known(),
    "agencies:footprint-end": Known(day("ends_on")),
    "agencies:membership-edit": Known(),
    "agencies:membership-remove": Known(),
    "agencies:audit": Known(),
    "share": Known({"email": "", "website": "", "wants_updates": "no"}, fresh=False),
    "public-track": Known({"reference": "NR-4K7Q-2P"}),
    "people-updates-stop": Known(fresh=True),
    "people-follow-up": Known({"answer": "better"}, fresh=True),
    "agencies:area-settings": Known(),
    "agencies:handover-create": Known(day("takes_effect_on", FUTURE)),
    "agencies:handover-edit": Known(day("takes_effect_on", FUTURE)),
    "agencies:handover-cancel": Known(),
    "agencies:handover-record": Known(),
    "concerns:index": Known(),
    # The list's selection form (it posts to the first action the persona has).
    "concerns:selection-alert": Known(),
    "concerns:selection-theme": Known(),
    "reports:selection-review": Known(),
    "reports:selection-priority": Known(),
    "concerns:create": Known(day("received_on")),
    "concerns:edit": Known(),
    "concerns:personal-edit": Known({"postcode_district": "NM1"}),
    "concerns:safeguarding-refer": Known(day("referred_on")),
    "concerns:safeguarding-outcome": Known(day("outcome_on")),
    "concerns:summary": Known({"shareable_summary": "Long waits in the emergency department."}),
    "concerns:submission": Known({"outcome": "reject"}, fresh=True),
    "concerns:submission-restore": Known(fresh=True),
    "concerns:submission-retention": Known({"rejected_retention_days": "30"}),
    "concerns:import": Known(),
    "concerns:details-transfer": Known({"scheme_reference": "Transfer scheme 2027/14"}),
    "concerns:seal-retention": Known({"days": "2190"}),
    "concerns:theme-create": Known(),
    "concerns:theme-edit": Known(),
    "concerns:themes-defaults": Known(),
    "concerns:event-codes": Known(day("valid_on", FUTURE)),
    "concerns:event-code-withdraw": Known(),
    "concerns:alerts": Known(),
    "concerns:alert-create": Known(),
    "concerns:alert-acknowledge": Known(),
    "concerns:alert-respond-in-app": Known(fresh=True),
    "notification-settings": Known(),
    "alert-respond": Known(fresh=True),
    "inbox-read": Known(),
    "reports:dashboard": Known(),
    "reports:priorities": Known(),
    "reports:priority-create": Known(day("agreed_on")),
    "reports:priority-edit": Known(),
    "reports:priority-progress": Known(),
    "reports:priority-action-add": Known(day("due_on", FUTURE)),
    "reports:priority-action-done": Known(),
    "reports:priority-figures": Known({**day("month"), "value": "3"}),
    "reports:priority-chart-record": Known({**day("month"), "kind": "note", "reason": "Winter pressures"}),
    "reports:priority-chart-withdraw": Known({"reason": "Recorded against the wrong month"}, fresh=True),
    "reports:priority-link": Known({"concern_refs": "", "alert_refs": "", "recommendation_refs": ""}),
    "reports:priority-refer": Known(),
    "reports:referral-accept": Known(),
    "reports:referral-decline": Known(fresh=True),
    "reports:surveillance-record": Known(day("decided_on")),
    "reports:board-packs": Known(day("meeting_on", FUTURE)),
    "reports:recommendations": Known(),
    "reports:recommendation-extend": Known(day("new_due_on", FUTURE), fresh=True),
    "reports:recommendation-clock-stop": Known(),
    "reports:recommendation-clock-restart": Known(),
    "reports:recommendation-close": Known(),
    "reports:recommendation-reopen": Known(),
    "reports:recommendation-update": Known(fresh=True),
    "reports:recommendation-letter-record": Known(day("received_on"), fresh=True),
    "reports:recommendation-respond-in-app": Known(fresh=True),
    "reports:review-create": Known({"concern_refs": "", "alert_refs": ""}),
    "reports:review-state": Known(),
    "reports:review-evidence": Known(day("sent_on")),
    "reports:report-create": Known({"reference_prefix": "HOSC-2026-09"}),
    "reports:report": Known(),
    "reports:report-record-sent": Known(day("sent_on")),
    "reports:report-agree": Known(day("meeting_on")),
    "reports:report-send": Known(),
    "reports:report-accuracy-check": Known(day("due_on", FUTURE), fresh=True),
    "reports:report-accuracy-check-done": Known(),
    "reports:recommendation-edit": Known(fresh=True),
    "reports:recommendation-delete": Known(),
    "reports:recommendation-send": Known(),
    "reports:recommendation-withdraw": Known(fresh=True),
    "reports:recommendation-correct": Known(fresh=True),
    "reports:report-publish": Known(),
    "recommendation-respond": Known(fresh=True),
    "evidence-answer": Known(fresh=True),
    "reports:evidence-answer-in-app": Known(fresh=True),
    "reports:closure-days": Known(day("date", FUTURE)),
    "reports:closure-day-remove": Known(),
    "concerns:trends": Known(),
    "concerns:trend-volume": Known({"kind": "note", "month": "2026-09"}),
    "concerns:trend-theme": Known({"kind": "note", "month": "2026-09"}),
    "concerns:trend-service": Known({"kind": "note", "month": "2026-09"}),
    "concerns:trend-note-withdraw": Known(fresh=True),
    "agencies:bodies": Known(),
    "reports:closing-report-edit": Known(),
}
# Posted last: they take rights away from the personas the other forms are posted as.
LAST = (
    "agencies:handover-cancel",
    "agencies:membership-edit",
    "agencies:membership-remove",
    "agencies:holding-end",
    "agencies:footprint-end",
    "password_change",
)
# Query strings that pages read outside any form.
QUERIES = {"concerns:alert-create": ["concern"], "agencies:duty": ["holder"]}


@dataclasses.dataclass
class Form:
    action: str
    method: str
    fields: dict = dataclasses.field(default_factory=dict)  # name -> kind ("text", "id", ...)
    values: dict = dataclasses.field(default_factory=dict)  # name -> the page's own value


class Forms(HTMLParser):
    """The <form>s of a page, with each field's kind and its value as shown."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        if not self.forms or not a.get("name") and tag != "option":
            return
        form, name = self.forms[-1], a.get("name", "")
        if tag == "input" and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text")
            if kind in {"radio", "checkbox"}:
                form.fields[name] = "id"
                if "checked" in a or (kind == "radio" and name not in form.values):
                    form.values[name] = a.get("value", "on")
            elif kind not in {"submit", "button", "file"}:
                form.fields[name] = "date" if re.search(r"_[012]$", name) else "id" if kind == "hidden" else "text"
                form.values.setdefault(name, a.get("value", ""))
        elif tag == "textarea":
            form.fields[name], self._textarea = "text", name
            form.values[name] = ""
        elif tag == "select":
            form.fields[name], self._select = "id", name
        elif (
            tag == "option" and self._select and a.get("value") and ("selected" in a or self._select not in form.values)
        ):
            form.values[self._select] = a["value"]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1].values[self._textarea] += data


def baseline(form: Form, known: Known) -> dict:
    values = {}
    for name, kind in form.fields.items():
        value = form.values.get(name, "")
        if kind == "text" and not value:
            value = "someone@example.org" if "email" in name else "3" if name in NUMBER_FIELDS else "Plain words"
        values[name] = value
    values.update(known.baseline)
    return {k: v for k, v in values.items() if v != "" or k in known.baseline}


def payloads(form: Form, name: str, kind: str, first_text: bool):
    """(label, changes) for one field: every text payload for free text; a rotating few of
    the number, date and id payloads for the rest (every field × a few, not the product)."""
    if kind == "date":
        if name.endswith("_0"):
            stem = name[:-2]
            for when in DATES:
                yield f"date {'/'.join(when)}", {f"{stem}_{i}": part for i, part in enumerate(when)}
        return
    if kind == "text" and name in NUMBER_FIELDS:
        yield from ((f"number {n}", {name: n}) for n in NUMBERS)
        return
    if kind == "text" and form.method == "get":  # a filter: stores nothing, so a rotating few
        start = sum(map(ord, name)) % len(TEXT)
        yield from ((label, {name: TEXT[label]}) for label in (list(TEXT) * 2)[start : start + 3])
        return
    if kind == "text":
        yield from ((label, {name: value}) for label, value in TEXT.items())
        if first_text:
            yield "1 MB", {name: BIG}
        return
    start = sum(map(ord, name)) % len(IDS)
    for value in (IDS * 2)[start : start + 3]:
        yield f"id {value!r}", {name: value}


class Run:
    """Posts, counts and remembers every problem found."""

    def __init__(self, world):
        self.world, self.tried, self.problems, self.clients, self.seconds = world, 0, [], {}, {}

    def client(self, target: str) -> Client:
        page = MATRIX[target]
        persona = None if page.kind == PUBLIC else page.owner
        if persona not in self.clients:
            self.clients[persona] = Client(raise_request_exception=False)
            if persona:
                self.clients[persona].force_login(
                    getattr(self.world, persona), backend="django.contrib.auth.backends.ModelBackend"
                )
        return self.clients[persona]

    def url(self, target: str) -> str:
        return reverse(target, kwargs=MATRIX[target].kwargs(self.world))

    def check(self, what: str, response) -> None:
        if response.status_code >= 500:
            self.problems.append(f"{what}: server error {response.status_code}")
        elif "html" in response.get("Content-Type", "") and LIVE_MARKUP.search(response.content.decode()):
            self.problems.append(f"{what}: live markup in the page")


def discover(run: Run) -> dict[str, Form]:
    """Every form on every page of the matrix, by the URL name it posts (or gets) to."""
    found: dict[str, Form] = {}
    for name, page in MATRIX.items():
        if not page.html or page.kind == AREA_ACTION or page.get_status != 200:
            continue
        url = run.url(name)
        response = run.client(name).get(url)
        if response.status_code != 200:
            continue
        parser = Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            try:
                target = resolve((form.action or url).split("?")[0]).view_name
            except Resolver404:
                target = f"<unresolvable {form.action}>"
            found.setdefault(target, form)
    return found


def post_everything(run: Run, forms: dict[str, Form]) -> None:
    for target in sorted(forms, key=lambda t: (t in LAST, t)):
        form, known = forms[target], KNOWN[target]
        if not known.post or not form.fields:
            continue
        client, url = run.client(target), run.url(target)
        send = client.post if form.method == "post" else client.get
        base = baseline(form, known)
        first_text = next((n for n, k in form.fields.items() if k == "text" and n not in NUMBER_FIELDS), None)
        for name, kind in form.fields.items():
            for label, changes in payloads(form, name, kind, name == first_text):
                if known.fresh:
                    url = run.url(target)
                run.tried += 1
                started = time.monotonic()
                run.check(f"{target} {name} {label}", send(url, {**base, **changes}))
                run.seconds[target] = run.seconds.get(target, 0) + time.monotonic() - started
    for target, params in QUERIES.items():
        for param in params:
            for value in IDS + [TEXT["script"]]:
                run.tried += 1
                run.check(f"{target} ?{param}={value!r}", run.client(target).get(run.url(target), {param: value}))


def stored_text_problems() -> list[str]:
    """Text columns holding what the rule forbids, in any model."""
    problems = []
    for model in apps.get_models():
        columns = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and f.name not in {"password", "session_data"}
        ]
        if not columns:
            continue
        for row in model._base_manager.values_list("pk", *columns).iterator():
            for column, value in zip(columns, row[1:], strict=True):
                if isinstance(value, str) and (FORBIDDEN.search(value) or "\r" in value):
                    problems.append(f"{model._meta.label}.{column} (pk {row[0]}) holds {value[:60]!r}")
    return problems


def later_problems(run: Run, django_capture_on_commit_callbacks) -> list[str]:
    """What was stored, shown later: pages, board pack, feed, CSV exports and email headers."""
    from reports.models import BoardPack, Report
    from reports.recommendations import services

    problems, world = [], run.world
    for name, page in MATRIX.items():
        if page.get_status == 200 and page.kind != AREA_ACTION and page.html:
            run.check(f"later: {name}", run.client(name).get(run.url(name)))
    with django_capture_on_commit_callbacks(execute=True):
        run.client("reports:board-packs").post(run.url("reports:board-packs"), day("meeting_on", FUTURE))
    for pack in BoardPack.objects.all():
        if LIVE_MARKUP.search(pack.html or ""):
            problems.append(f"board pack {pack.pk}: live markup")
    # Every report that can be published is (one with no recommendation cannot, nor reach the feed).
    unpublished = Report.objects.filter(locality=world.area, published_on__isnull=True, recommendations__isnull=False)
    for report in unpublished.distinct():
        services.report_publish(report=report, on=report.created_at.date())
    feed = Client(raise_request_exception=False).get(reverse("public-feed", args=[world.area.slug]))
    run.check("later: public-feed", feed)
    entries = (
        ET.fromstring(feed.content).iter("{http://www.w3.org/2005/Atom}summary") if feed.status_code == 200 else []
    )
    for entry in entries:
        if entry.get("type") == "html" and LIVE_MARKUP.search(entry.text or ""):
            problems.append(f"feed: live markup in {entry.text[:80]!r}")
    for name in ("concerns:export", "reports:tracker-csv"):
        response = run.client(name).get(run.url(name))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        for cells in csv.reader(io.StringIO(text)):
            for cell in cells:
                if MARK in cell and cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                    problems.append(f"{name}: formula cell {cell[:60]!r}")
    from agencies.models import Notification

    headers = [(o.subject, o.to_name) for o in Notification.objects.all()]
    headers += [(m.subject, ", ".join(m.to)) for m in mail.outbox]
    problems += [f"email header with a line break: {h!r}" for h in headers if re.search("[\r\n]", "".join(h))]
    return problems


def test_every_form_resists_hostile_input(world, settings, django_capture_on_commit_callbacks):
    settings.PUBLIC_FORM_RATE = "100000/h"
    settings.PUBLIC_TRACK_RATE = "100000/h"
    run = Run(world)
    forms = discover(run)
    unknown = sorted(set(forms) - set(KNOWN))
    assert unknown == [], f"Forms the hostile-input suite does not know: add them to KNOWN: {unknown}"
    post_everything(run, forms)
    run.problems += stored_text_problems()
    run.problems += later_problems(run, django_capture_on_commit_callbacks)
    fields = sum(len(f.fields) for t, f in forms.items() if KNOWN[t].post)
    slowest = sorted(((round(v, 1), k) for k, v in run.seconds.items()), reverse=True)[:5]
    # Shown at the end of every run (tests/conftest.py, pytest_terminal_summary), CI included.
    RUN_SUMMARY.append(
        f"hostile input: {len(forms)} forms, {fields} fields, {run.tried} form × field × payload combinations tried"
    )
    RUN_SUMMARY.append(f"hostile input: slowest forms (seconds): {slowest}")
    kinds = sorted({re.sub(r" \(pk \d+\) holds .*| [^ ]+ [^:]+: ", " … ", p) for p in run.problems})
    assert run.problems == [], f"{len(run.problems)} problems; kinds:\n" + "\n".join(kinds[:60])
