"""Public accountability pages: published reports, their recommendations and the responses
("You said, we did"), and an Atom feed. No personal data is held on these models."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_safe

from agencies.models import Locality
from agencies.selectors import can_share_in

from ..models import Report, Response
from . import selectors


@require_safe
def reports(request, slug: str):
    """What was done: published reports and responses, overdue ones flagged."""
    locality = get_object_or_404(Locality, slug=slug)
    context = {"locality": locality, "can_share": can_share_in(locality)}
    context.update(selectors.public_reports(locality, timezone.localdate()))
    return render(request, "reports/public/reports.html", context)


@require_safe
def report(request, slug: str, pk: int):
    locality = get_object_or_404(Locality, slug=slug)
    found = Report.objects.in_area(locality).select_related("issuing_body", "locality").prefetch_related("areas")
    item = get_object_or_404(found, pk=pk, published_on__isnull=False)
    context = {
        "locality": locality,
        "can_share": can_share_in(locality),
        "report": item,
        "recommendations": selectors.public_recommendations(item, timezone.localdate()),
    }
    return render(request, "reports/public/report.html", context)


class PublicationsFeed(Feed):
    """New publications and responses in an area, newest first."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        return require_safe(super().__call__)(request, *args, **kwargs)

    def get_object(self, request, slug: str):
        return get_object_or_404(Locality, slug=slug)

    def title(self, locality):
        return f"Reports and responses in {locality.name}"

    def link(self, locality):
        return reverse("public-reports", args=[locality.slug])

    def subtitle(self, locality):
        return f"Health and care reports, recommendations and the responses to them in {locality.name}."

    def items(self, locality):
        """The area's publications and responses, a joint committee's that concern it included;
        each links to the report under this area's pages."""
        published = Report.objects.in_area(locality).filter(published_on__isnull=False)
        reports_ = list(published.order_by("-published_on")[:30])
        responses = list(
            Response.objects.filter(recommendation__report__in=published.values("pk"))
            .select_related("recommendation__report", "recommendation__addressed_to")
            .order_by("-responded_on")[:30]
        )
        entries = sorted(reports_ + responses, key=self._when, reverse=True)[:40]
        for entry in entries:
            entry.feed_area_slug = locality.slug
        return entries

    @staticmethod
    def _when(item) -> datetime.date:
        return item.published_on if isinstance(item, Report) else item.responded_on

    def item_title(self, item):
        if isinstance(item, Report):
            return f"Report published: {item.title}"
        rec = item.recommendation
        return f"{rec.addressed_to.name} responded to {rec.reference}: {item.get_decision_display()}"

    def item_description(self, item):
        # Atom summaries are type="html": feed readers render them, so the text people typed
        # (a response by link needs no account) is escaped to show as text, never run.
        # The labels are the public report page's, and so are the words: nothing else goes out.
        if isinstance(item, Report):
            return escape(item.summary[:500])
        parts = [f"Decision: {item.get_decision_display()}."]
        if item.reasons:
            parts.append(f"Reasons: {item.reasons[:500]}")
        parts.append(f"Action plan: {item.action_plan[:500] or 'None given'}")
        parts.append(
            f"Target date: {dateformat.format(item.target_date, 'j F Y')}."
            if item.target_date
            else "Target date: None given."
        )
        return "<br>".join(escape(part) for part in parts)

    def item_link(self, item):
        report_ = item if isinstance(item, Report) else item.recommendation.report
        return reverse("public-report", args=[item.feed_area_slug, report_.pk])

    def item_guid(self, item):
        kind = "report" if isinstance(item, Report) else "response"
        return f"tag:quality-system,2026:{kind}-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        day = self._when(item)
        return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)

    def item_updateddate(self, item):
        """Atom requires every entry to say when it last changed: a publication or a response
        is dated once, so that is its publication date."""
        return self.item_pubdate(item)
