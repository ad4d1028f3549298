"""Pages of the network registry: parse the query string, call selectors, render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.errors import NotFound
from coopsec.network import dates, selectors
from coopsec.network.dates import format_partial
from coopsec.network.forms import AsOfForm, OrganizationFilterForm
from coopsec.network.models import Membership
from coopsec.web.charts import stacked_by_year
from coopsec.web.timeline import Bar, YearAxis, year_axis

ORGANIZATIONS_PER_PAGE = 50
GROWTH_FIRST_YEAR = 1991


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User), "login_required lets only signed-in users through"
    return Actor.from_user(user)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = AsOfForm(request.GET or None)
    as_of = form.as_of_date()
    counts = selectors.network_counts(actor=actor, as_of=as_of)
    growth = selectors.network_growth(
        actor=actor, first_year=GROWTH_FIRST_YEAR, last_year=dates.today().year
    )
    chart = stacked_by_year(
        growth.years,
        growth.series,
        labels={"Allies": _("Allies")},
        names={fw.code: fw.name for fw in selectors.framework_list(actor=actor)},
        base="Allies",
        y_title=_("Members at the end of each year"),
    )
    return render(
        request,
        "network/network_overview.html",
        {
            "section": "overview",
            "form": form,
            "as_of": as_of,
            "counts": counts,
            "per_framework": sorted(counts.per_framework, key=lambda row: (-row[1], row[0].code)),
            "chart": chart,
        },
    )


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = OrganizationFilterForm(
        request.GET or None,
        frameworks=selectors.framework_list(actor=actor),
        regions=selectors.region_list(actor=actor),
    )
    errors = form.error_messages()
    filters = form.filters()
    try:
        organizations = selectors.organization_list(actor=actor, **filters)
    except NotFound:
        errors.append(
            _("There is no framework with the code “%(code)s”; it was left out of the filters.")
            % {"code": filters["framework"]}
        )
        filters["framework"] = None
        organizations = selectors.organization_list(actor=actor, **filters)
    page = Paginator(organizations, ORGANIZATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/organization_list.html",
        {
            "section": "organizations",
            "form": form,
            "errors": errors,
            "is_filtered": any(filters.values()),
            "page_obj": page,
            "organizations": page.object_list,
        },
    )


@dataclass(frozen=True)
class StatusPeriodRow:
    status: str
    status_label: str
    start_display: str
    end_display: str
    source_url: str
    verified: bool
    note: str


@dataclass(frozen=True)
class MembershipRow:
    """A membership as the organization page shows it: dated at the precision known, with
    its status on the chosen date and its bar on the timeline."""

    membership: Membership
    status: str
    status_label: str
    periods: list[StatusPeriodRow]
    bar: Bar


_STATUS_LABELS = {
    "active": gettext_lazy("Active"),
    "suspended": gettext_lazy("Suspended"),
    "ended": gettext_lazy("Ended"),
    "not_started": gettext_lazy("Not yet a member"),
}


def _status_label(status: str) -> str:
    return str(_STATUS_LABELS.get(status, status))


def _membership_rows(
    memberships: list[Membership], *, as_of: date, today: date
) -> tuple[list[MembershipRow], YearAxis]:
    axis = year_axis((m.start for m in memberships), today=today)
    rows = []
    for m in memberships:
        periods = list(m.status_periods.all())
        status = m.status_on(as_of)
        rows.append(
            MembershipRow(
                membership=m,
                status=status,
                status_label=_status_label(status),
                periods=[
                    StatusPeriodRow(
                        status=p.status,
                        status_label=_status_label(p.status),
                        start_display=p.start_display,
                        end_display=format_partial(p.end, p.end_precision),
                        source_url=p.source_url,
                        verified=p.verified,
                        note=p.note,
                    )
                    for p in periods
                ],
                bar=axis.bar(
                    m.start,
                    m.end,
                    today=today,
                    periods=[(p.status, p.start, p.end) for p in periods if p.status != "active"],
                ),
            )
        )
    return rows, axis


@login_required
def organization_detail(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    form = AsOfForm(request.GET or None)
    as_of = form.as_of_date()
    today = dates.today()
    try:
        organization = selectors.organization_get(actor=actor, code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    memberships = selectors.organization_memberships(actor=actor, organization=organization)
    rows, axis = _membership_rows(memberships, as_of=as_of, today=today)
    return render(
        request,
        "network/organization_detail.html",
        {
            "section": "organizations",
            "form": form,
            "as_of": as_of,
            "organization": organization,
            "memberships": rows,
            "axis": axis,
            "as_of_x": axis.x(as_of) if axis.start <= as_of < axis.end else None,
            "contributions": selectors.organization_contributions(
                actor=actor, organization=organization
            ),
            "hosted": selectors.hosted_institution_list(actor=actor, host=organization),
        },
    )


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = AsOfForm(request.GET or None)
    as_of = form.as_of_date()
    counts = selectors.network_counts(actor=actor, as_of=as_of)
    members = {fw.pk: (n, suspended) for fw, n, suspended in counts.per_framework}
    frameworks = [(fw, *members.get(fw.pk, (0, 0))) for fw in selectors.framework_list(actor=actor)]
    return render(
        request,
        "network/framework_list.html",
        {"section": "frameworks", "form": form, "as_of": as_of, "frameworks": frameworks},
    )


@login_required
def framework_detail(request: HttpRequest, code: str) -> HttpResponse:
    actor = _actor(request)
    form = AsOfForm(request.GET or None)
    as_of = form.as_of_date()
    try:
        framework = selectors.framework_get(actor=actor, code=code)
        members = selectors.framework_members(actor=actor, code=framework.code, as_of=as_of)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(
        request,
        "network/framework_detail.html",
        {
            "section": "frameworks",
            "form": form,
            "as_of": as_of,
            "framework": framework,
            "members": members,
            "suspended_count": sum(1 for m in members if m.status == "suspended"),
        },
    )
