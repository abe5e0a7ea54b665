from django.shortcuts import render
from django.views.decorators.http import require_safe

from agencies.views import area_view


@area_view
@require_safe
def index(request, locality):
    """Placeholder until the concerns issue: Healthwatch staff's list of experiences."""
    return render(
        request,
        "placeholder.html",
        {
            "locality": locality,
            "title": "Concerns and experiences",
            "coming": [
                "log people's experiences and concerns in under a minute, by keyboard",
                "tag themes and find trends by service, theme and month",
                "review what the public share through the online form",
                "import and export experiences safely",
            ],
        },
    )
