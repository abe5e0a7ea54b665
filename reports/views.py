from django.shortcuts import render
from django.views.decorators.http import require_safe

from agencies.views import area_view


@area_view
@require_safe
def dashboard(request, locality):
    """Placeholder until the board issue: the HWB's priority dashboard."""
    return render(
        request,
        "placeholder.html",
        {
            "locality": locality,
            "title": "Priority dashboard",
            "coming": [
                "the board's priority issues, with what has changed since the last meeting",
                "charts that show real variation, each with a data table",
                "what is overdue: alerts and recommendations past their deadlines",
                "how well the local quality system covers the guide's 21 duties",
            ],
        },
    )


@area_view
@require_safe
def recommendations(request, locality):
    """Placeholder until the recommendations issue: the scrutiny officer's tracker."""
    return render(
        request,
        "placeholder.html",
        {
            "locality": locality,
            "title": "Recommendations and responses",
            "coming": [
                "reviews, reports and the recommendations made to each body",
                "response deadlines worked out from the law, with how each was counted",
                "responses, action plans and follow-up",
                "reminders before and after a deadline",
            ],
        },
    )
