"""Redundancy (issue 6, item 6) as a page: the pairs of offered activities that look like
duplicates (same primary area, close dates, different hosts, alike titles and
descriptions), ranked, with the seats and cost involved, and the totals per area.

Besides the shared filters the bar takes the section's own parameters (how many days apart
and how alike two activities may be, how many pairs to list), read and checked by the
section's `Parameters.parse`, as the API reads them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from coopsec.analytics.forms import RedundancyForm
from coopsec.analytics.measures import rounded
from coopsec.analytics.sections.redundancy import Parameters, redundancy
from coopsec.analytics.views.base import REDUNDANCY, open_page, project_errors


@login_required
@project_errors
def redundancy_pairs(request: HttpRequest) -> HttpResponse:
    """The ranked pairs of look-alike activities and the totals per area."""
    page = open_page(request, REDUNDANCY)
    errors: dict[str, str] = {}
    parameters = Parameters.parse(request.GET, errors)
    extra = RedundancyForm(request.GET, errors=errors)
    context: dict[str, Any] = {"extra_form": extra}
    if page.filters is not None and not errors:
        found = redundancy(actor=page.actor, filters=page.filters, parameters=parameters)
        context.update(
            found=found,
            pairs=[(p, page.area_name(p.area), rounded(p.score)) for p in found.rows],
            by_area=[(t, page.area_name(t.area)) for t in found.by_area],
            ignored=[str(page.form.fields[name].label) for name in found.ignored],
        )
    return page.render(
        request, "analytics/redundancy.html", context, extra_errors=extra.error_messages()
    )
