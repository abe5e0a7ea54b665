"""Pages for importing experiences from CSV (checked first, then all or nothing)."""

from __future__ import annotations

import csv
import datetime
import io

from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.http import area_view, posted
from agencies.models import Body
from quality_system import workbooks
from quality_system.jobs import enqueue_on_commit

from . import access, selectors, tasks
from .forms import UploadForm
from .imports import EXPORT_ONLY, MATCHING, OPTIONAL, REQUIRED, progress_key
from .models import ImportJob, Theme


@area_view
@require_http_methods(["GET", "POST"])
def start(request, locality):
    bodies = access.require_collector(request.user, locality)
    form = UploadForm(posted(request), request.FILES or None, stored=selectors.uploads_stored(locality))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob.objects.create(
            locality=locality,
            collecting_body=bodies[0],
            uploaded_by=request.user,
            file=upload,
            file_bytes=upload.size,
            original_name=upload.name[:255],
        )
        enqueue_on_commit(tasks.check_import, job.pk)
        return redirect("concerns:import-job", locality.slug, job.pk)
    recent = ImportJob.objects.filter(locality=locality, collecting_body__in=bodies).order_by("-created_at")[:10]
    return render(
        request,
        "concerns/import_start.html",
        {
            "locality": locality,
            "form": form,
            "recent": recent,
            "columns_required": REQUIRED,
            "columns_optional": OPTIONAL,
            "columns_export_only": EXPORT_ONLY,
            "columns_matching": MATCHING,
        },
        status=400 if form.errors else 200,
    )


def _job(request, locality, pk: int) -> ImportJob:
    bodies = access.require_collector(request.user, locality)
    return get_object_or_404(ImportJob, pk=pk, locality=locality, collecting_body__in=bodies)


@area_view
@require_safe
def job(request, locality, pk: int):
    import_job = _job(request, locality, pk)
    imported = cache.get(progress_key(import_job.pk), 0) if import_job.state == ImportJob.State.IMPORTING else None
    return render(
        request,
        "concerns/import_job.html",
        {
            "locality": locality,
            "job": import_job,
            "imported_so_far": imported,
        },
    )


@area_view
@require_POST
def run(request, locality, pk: int):
    import_job = _job(request, locality, pk)
    if import_job.state == ImportJob.State.READY:
        enqueue_on_commit(tasks.run_import, import_job.pk)
    return redirect("concerns:import-job", locality.slug, import_job.pk)


def _example(locality) -> dict[str, str]:
    """The template's example row, by column. It names a service and themes this area has (or
    leaves them blank), so that the template passes the check unchanged."""
    service = Body.objects.serving(locality).exclude(service_type="").order_by("name").first()
    themes = Theme.all_objects.filter(locality=locality, is_active=True).order_by("name")
    return {
        "date_received": "27/03/2025",
        "date_happened": "2025-03",
        "channel": "phone",
        "service_type": service.service_type if service else "gp",
        "sentiment": "negative",
        "narrative": "Could not get an appointment for two weeks.",
        "service": service.name if service else "",
        "themes": "; ".join(themes.values_list("name", flat=True)[:2]),
        "severity": "2",
        "safeguarding": "no",
        "status": "reviewed",
        "external_ref": "CRM-1001",
        "consent_to_contact": "no",
        "consent_to_share": "no",
    }


@area_view
@require_safe
def template(request, locality, fmt: str = "csv"):
    """The header and the example row come from one list of columns, so they always agree; a
    column without an example value is left blank (and a value for no column is an error).
    In the workbook the date is a date cell, as Excel makes when someone types a date."""
    access.require_collector(request.user, locality)
    columns, example = REQUIRED + OPTIONAL, _example(locality)
    if unknown := set(example) - set(columns):
        raise ValueError(f"The example names columns the import does not have: {unknown}")
    if fmt == "xlsx":
        example["date_received"] = datetime.datetime.strptime(example["date_received"], "%d/%m/%Y").date()
        out = workbooks.workbook_file("Experiences", columns, [[example.get(c, "") for c in columns]])
        return FileResponse(
            out, as_attachment=True, filename="experiences-template.xlsx", content_type=workbooks.CONTENT_TYPE
        )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, restval="", extrasaction="raise")
    writer.writeheader()
    writer.writerow(example)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="experiences-template.csv"'
    return response
