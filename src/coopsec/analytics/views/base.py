"""What every analytics page shares: the acting user, the HTML error path (NotFound → 404,
Forbidden → a 403 page that says why), the filter bar, the tabs between the sections (each
carrying the filters), and the names of areas and partners the figures are keyed by.

Every figure comes from `analytics.selectors`, the API's own reads, so a page shows a
reader exactly what the API gives them (`analytics/access.py`); the tabs list only the
sections the reader may open, from the same predicate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities import selectors as menu
from coopsec.activities.models import CooperationArea
from coopsec.analytics import access
from coopsec.analytics.filters import Filters
from coopsec.analytics.forms import AnalyticsFilterForm
from coopsec.errors import Forbidden, NotFound
from coopsec.network import selectors as network
from coopsec.network.models import OrganizationKind

P = ParamSpec("P")
REDUNDANCY = access.REDUNDANCY

# (section, URL name, tab label), in the order a committee reads them.
SECTIONS: list[tuple[str, str, Any]] = [
    (access.AREA_BALANCE, "analytics:area-balance", _("Area balance")),
    (access.OVERLAP, "analytics:overlap", _("Interest overlap")),
    (access.ATTENTION, "analytics:attention", _("Attention balance")),
    (access.DEPTH_BREADTH, "analytics:depth-breadth", _("Depth vs breadth")),
    (access.NETWORK, "analytics:network", _("Partnership network")),
    (REDUNDANCY, "analytics:redundancy", _("Redundancy")),
]


def require(actor: Actor, section: str) -> None:
    """Raises Forbidden unless the actor may open the section (the selector's own rule,
    asked before the filters are read)."""
    if not access.can_open(actor, section):
        raise Forbidden(gettext("Your role does not give access to this analytics section."))


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
                request, "analytics/forbidden.html",
                {"message": exc.message, "section": "analytics"}, status=403,
            )  # fmt: skip

    return wrapper


@dataclass(frozen=True)
class Tab:
    section: str
    label: str
    url: str  # with the filters
    current: bool


def tabs(actor: Actor, current: str, query: str) -> list[Tab]:
    """The sections the actor may open, each linked with the page's filters."""
    suffix = f"?{query}" if query else ""
    return [
        Tab(section, str(label), reverse(name) + suffix, section == current)
        for section, name, label in SECTIONS
        if access.can_open(actor, section)
    ]


@dataclass(frozen=True)
class AnalyticsPage:
    """One request to an analytics page: who asks, the filter bar, the area taxonomy."""

    actor: Actor
    section: str
    form: AnalyticsFilterForm
    areas: dict[str, CooperationArea]
    frameworks: dict[str, str]  # code -> name

    @property
    def filters(self) -> Filters | None:
        """The parsed filters; None when one was refused (the page answers 400)."""
        return self.form.filters

    def area_name(self, code: str) -> str:
        area = self.areas.get(code)
        return area.display_name if area is not None else code

    def render(
        self,
        request: HttpRequest,
        template: str,
        context: dict[str, Any],
        *,
        extra_errors: list[str] | None = None,
    ) -> HttpResponse:
        """The page, 400 when a filter (or a section's own parameter, `extra_errors`) was
        refused."""
        errors = [*self.form.error_messages(), *(extra_errors or [])]
        status = 400 if errors else 200
        shared = {
            "section": "analytics",
            "analytics_section": self.section,
            "form": self.form,
            "filter_errors": errors,
            "query": self.form.query,
            "tabs": tabs(self.actor, self.section, self.form.query),
        }
        return render(request, template, {**shared, **context}, status=status)


def open_page(request: HttpRequest, section: str, *, with_area: bool = True) -> AnalyticsPage:
    """The actor, the filter bar read from the URL, and the taxonomy.

    The section's access rule is asked first (raises Forbidden), so a reader without access
    gets 403 whatever the filters say.
    """
    actor = actor_for(request)
    require(actor, section)
    areas = list(menu.area_list(actor=actor))
    frameworks = list(network.framework_list(actor=actor))
    form = AnalyticsFilterForm(
        request.GET,
        frameworks=frameworks,
        regions=network.region_list(actor=actor),
        areas=areas,
        hosts=network.organization_list(actor=actor, kind=OrganizationKind.INSTITUTION),
        with_area=with_area,
    )
    return AnalyticsPage(
        actor, section, form, {a.code: a for a in areas}, {f.code: f.name for f in frameworks}
    )


def signed(value: float | None, digits: int = 2) -> str:
    """A change with its sign, in the reader's number format ("+0.25", "-1"); "" for None."""
    if value is None:
        return ""
    text = number_format(value, decimal_pos=digits)
    return f"+{text}" if value > 0 else text
