"""The outgoing body's last report: the page, the staff's editing, the PDF and the Word document.

Staff (officers and administrators) of the body that held the function before the handover see
and edit it; once they publish it, everyone who reaches the area can read it. Before then it is
a draft that no one else sees (403)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_http_methods, require_safe

from agencies.access import can_administer, has_seat_at
from agencies.handover_models import HandoverPlan
from agencies.http import area_view
from agencies.models import Role

from .. import word
from . import services
from .figures import closing_figures, outgoing_body
from .forms import ClosingReportForm


def _report(request, locality, pk: int, *, editing: bool = False):
    """The plan, the outgoing body, its stored words and whether the user is its staff; refused
    (403) to anyone else while it is a draft, and for editing by anyone but staff."""
    plan = get_object_or_404(
        HandoverPlan.objects.select_related("function", "locality"),
        pk=pk,
        locality=locality,
        state__in=["planned", "done"],
    )
    body = outgoing_body(plan)
    if body is None:
        raise Http404("No body held this function before the handover.")
    staff = has_seat_at(request.user, body.pk, Role.OFFICER)
    report = services.closing_report_for(plan, body)
    if not staff and (editing or report.published_on is None):
        raise PermissionDenied(f"Only the staff of {body.name} can see the closing report until it is published.")
    return plan, body, report, staff


def _paper(locality, plan, body, report, *, link_handover: bool = False) -> str:
    """The report's body. What is handed on links to the handover page only for those who may
    open it (the area's administrators), never in the documents."""
    figures = closing_figures(plan, body)
    context = {"locality": locality, "f": figures, "report": report, "link_handover": link_handover}
    return render_to_string("reports/closing_report_paper.html", context)


@area_view
@require_safe
def closing_report(request, locality, pk: int):
    plan, body, report, staff = _report(request, locality, pk)
    context = {"locality": locality, "plan": plan, "body": body, "report": report, "staff": staff}
    return render(
        request,
        "reports/closing_report.html",
        {
            **context,
            "paper": _paper(locality, plan, body, report, link_handover=can_administer(request.user, locality)),
        },
    )


@area_view
@require_http_methods(["GET", "POST"])
def closing_report_edit(request, locality, pk: int):
    plan, body, report, _ = _report(request, locality, pk, editing=True)
    initial = {field: getattr(report, field) for field in services.NOTES}
    posted = request.POST if request.method == "POST" else None
    form = ClosingReportForm(posted, initial={**initial, "publish": report.published_on is not None})
    if request.method == "POST" and form.is_valid():
        services.closing_report_save(
            plan=plan, body=body, data=form.cleaned_data, user=request.user, today=timezone.localdate()
        )
        messages.success(request, "The report was saved.")
        return redirect("reports:closing-report", locality.slug, plan.pk)
    return render(
        request,
        "reports/form.html",
        {
            "locality": locality,
            "form": form,
            "title": f"Edit the closing report of {body.name}",
            "caption": f"{plan.function.name} in {locality.name}",
            "back_url": reverse("reports:closing-report", args=[locality.slug, plan.pk]),
        },
        status=400 if form.is_bound else 200,
    )


def _pdf(fragment: str, title: str, base_url: str) -> bytes:
    from weasyprint import HTML

    with open(finders.find("app/pack.css"), encoding="utf-8") as handle:
        style = handle.read()
    document = (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{style}</style></head><body>{fragment}</body></html>"
    )
    return HTML(string=document, base_url=base_url).write_pdf()


@area_view
@require_safe
def closing_report_pdf(request, locality, pk: int):
    plan, body, report, _ = _report(request, locality, pk)
    pdf = _pdf(_paper(locality, plan, body, report), f"Closing report of {body.name}", request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="closing-report-{plan.pk}.pdf"'
    return response


@area_view
@require_safe
def closing_report_docx(request, locality, pk: int):
    plan, body, report, _ = _report(request, locality, pk)
    doc = word.document(f"Closing report of {body.name}")
    word.add_paper(doc, _paper(locality, plan, body, report))
    return word.response(doc, f"closing-report-{plan.pk}.docx")
