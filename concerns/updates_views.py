"""The pages a person reaches from the emails about their experience, without signing in: stop
the emails (a page whose button stops them, and the one-click address mail programs post to),
and answer "Did things get better?". Opening a page (GET) never changes anything."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from agencies.answer_links import answer_by_link, problem_page
from agencies.http import posted
from agencies.links import LinkProblem
from quality_system.forms import apply_service_errors

from . import follow_ups, people_updates, person_references
from .updates_forms import FollowUpForm, StopUpdatesForm
from .updates_models import FollowUp

BAD_STOP_LINK = LinkProblem(
    "unknown", "This link to stop emails is not valid. Check you copied the whole link from the email."
)


def _stopped(request, wish, *, already: bool) -> HttpResponse:
    return render(
        request,
        "concerns/public/updates_stopped.html",
        {"reference": person_references.reference_for(wish.concern), "already": already},
    )


@require_http_methods(["GET", "POST"])
def stop(request, token: str):
    """'Stop emails about NR-…?' with a button. Only pressing the button stops them."""
    wish = people_updates.wish_from_token(token)
    if wish is None:
        return problem_page(request, BAD_STOP_LINK)
    if wish.stopped_at is not None:
        return _stopped(request, wish, already=True)
    form = StopUpdatesForm(posted(request))
    if request.method == "POST" and form.is_valid():
        stopped = people_updates.updates_stop(wish=wish, how=people_updates.BY_LINK)
        return _stopped(request, wish, already=not stopped)
    reference = person_references.reference_for(wish.concern)
    return render(request, "concerns/public/updates_stop.html", {"reference": reference, "form": form})


@csrf_exempt  # RFC 8058: mail programs post here without a form; the signed token is the check
@require_POST
def stop_one_click(request, token: str):
    """The List-Unsubscribe-Post address: a POST stops the emails at once."""
    wish = people_updates.wish_from_token(token)
    if wish is None:
        return problem_page(request, BAD_STOP_LINK)
    stopped = people_updates.updates_stop(wish=wish, how=people_updates.BY_ONE_CLICK)
    return _stopped(request, wish, already=not stopped)


@require_http_methods(["GET", "POST"])
def follow_up(request, pk: int, token: str):
    """'Did things get better?': four choices; the first answer is kept."""
    found = FollowUp.objects.filter(pk=pk).first()
    if found is not None and found.answer:
        return render(request, "concerns/public/follow_up_done.html", {"already": True})
    return answer_by_link(
        request,
        found=found is not None,
        not_found=LinkProblem("mismatch", "This link is not valid. Use the link in the email we sent you."),
        purpose=follow_ups.LINK_PURPOSE,
        object_id=pk,
        token=token,
        answer=lambda link: _answer(request, found, link),
    )


def _answer(request, found: FollowUp, link) -> HttpResponse:
    form = FollowUpForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            follow_ups.follow_up_answer(follow_up=found, answer=form.cleaned_data["answer"], link=link)
        except follow_ups.AlreadyAnswered:
            return render(request, "concerns/public/follow_up_done.html", {"already": True})
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return render(request, "concerns/public/follow_up_done.html", {"already": False})
    return render(request, "concerns/public/follow_up.html", {"form": form}, status=400 if form.errors else 200)
