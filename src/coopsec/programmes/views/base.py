"""What every programme page shares: the acting user, the HTML error path (NotFound → 404,
Forbidden → a 403 page that says why), links to a programme, a refusal's reasons in one
line, and the areas and activity types in the reader's words.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities import selectors as menu
from coopsec.activities.models import ActivityType, CooperationArea
from coopsec.errors import Forbidden, Invalid, NotFound
from coopsec.programmes.models import ProgrammeStatus

ASSESSED = (ProgrammeStatus.AGREED, ProgrammeStatus.SUPERSEDED)

P = ParamSpec("P")


def actor_for(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User), "login_required lets only signed-in users through"
    return Actor.from_user(user)


def project_errors(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """NotFound → 404, Forbidden → a 403 page that says why."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            return render(
                request, "programmes/forbidden.html",
                {"message": exc.message, "section": "programmes"}, status=403,
            )  # fmt: skip

    return wrapper


def detail_url(programme_id: int, anchor: str = "") -> str:
    url = reverse("programmes:programme-detail", args=[programme_id])
    return f"{url}#{anchor}" if anchor else url


def reason_of(exc: Invalid) -> str:
    """The service's message with the reasons it gives per field, for a one-line message."""
    details = exc.details if isinstance(exc.details, dict) else {}
    reasons = [str(v) for v in details.values() if isinstance(v, str) and v != "required"]
    return " ".join([exc.message, *reasons])


def all_areas(actor: Actor) -> list[CooperationArea]:
    return list(menu.area_list(actor=actor))


def type_label(code: str) -> str:
    """An activity type's name ("" for none or an unknown code)."""
    return str(ActivityType(code).label) if code in ActivityType.values else ""
