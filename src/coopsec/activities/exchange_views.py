"""The spreadsheet exchange pages (coordinators and hosts): upload a file of activities and
read the report; download the menu, filtered as in the menu's URL, as .csv or .xlsx."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities import exchange
from coopsec.activities.models import ActivityState, ActivityType
from coopsec.activities.selectors import ActivityFilters, area_list
from coopsec.errors import NotFound
from coopsec.network import dates

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
PROBLEMS_SHOWN = 300
# The menu's filters, by their names in the menu's URL (and the API's from/to).
FILTER_NAMES = ("q", "area", "type", "host", "state", "date_from", "date_to")
FILTER_ALIASES = {"from": "date_from", "to": "date_to"}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        help_text=gettext_lazy("The header row names the columns; see the column layout."),
    )
    dry_run = forms.BooleanField(
        required=False, label=gettext_lazy("Check only (dry run): write nothing")
    )
    skip_invalid = forms.BooleanField(
        required=False, label=gettext_lazy("Write the valid rows and report the others")
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB; split it into smaller files.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User), "login_required lets only signed-in users through"
    actor = Actor.from_user(user)
    if not exchange.can_exchange_activities(actor):
        raise PermissionDenied(_("Only coordinators and institution managers exchange files."))
    return actor


def _filters(query: QueryDict) -> tuple[ActivityFilters, dict[str, str], list[str]]:
    """The menu's filters in the query string: the filters, the values kept (for links),
    and why any value was left out."""
    kept: dict[str, str] = {}
    for key in query:
        name = FILTER_ALIASES.get(key, key)
        value = (query.get(key) or "").strip()
        if name in FILTER_NAMES and value:
            kept[name] = value
    errors = []
    parsed: dict[str, date | None] = {}
    for name in ("date_from", "date_to"):
        text = kept.get(name)
        try:
            parsed[name] = date.fromisoformat(text) if text else None
        except ValueError:
            errors.append(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text})
            parsed[name] = None
            del kept[name]
    filters = ActivityFilters(
        q=kept.get("q", ""), area=kept.get("area", ""), type=kept.get("type", ""),
        host=kept.get("host", ""), state=kept.get("state", ""),
        date_from=parsed["date_from"], date_to=parsed["date_to"],
    )  # fmt: skip
    return filters, kept, errors


@login_required
@require_http_methods(["GET", "POST"])
def exchange_page(request: HttpRequest) -> HttpResponse:
    """The upload form and its report, and the export links."""
    actor = _actor(request)
    _filters_unused, kept, filter_errors = _filters(request.GET)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = exchange.import_activities(
            actor=actor,
            file=upload.name,
            content=upload.read(),
            dry_run=form.cleaned_data["dry_run"],
            skip_invalid=form.cleaned_data["skip_invalid"],
        )
    query = urlencode(kept)
    return render(
        request,
        "activities/exchange_page.html",
        {
            "section": "activities",
            "form": form,
            "report": report,
            "problems": report.problems[:PROBLEMS_SHOWN] if report else [],
            "problems_hidden": max(len(report.problems) - PROBLEMS_SHOWN, 0) if report else 0,
            "filters": kept,
            "filter_errors": filter_errors,
            "query": f"?{query}" if query else "",
            "columns": exchange.ACTIVITY_COLUMNS,
            "areas": area_list(actor=actor),
            "types": ActivityType.choices,
            "states": ActivityState.choices,
        },
    )


@login_required
@require_GET
def activity_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The activities the user may see, filtered as the query string says, as a file."""
    actor = _actor(request)
    if fmt not in exchange.FORMATS:
        raise Http404(_("Files are exported as .csv or .xlsx."))
    filters, _kept, errors = _filters(request.GET)
    if errors:
        return HttpResponseBadRequest(" ".join(errors), content_type="text/plain; charset=utf-8")
    try:
        content = exchange.export_activities(actor=actor, fmt=fmt, filters=filters)
    except NotFound as exc:
        return HttpResponseBadRequest(exc.message, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=exchange.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="activities-{dates.today()}.{fmt}"'
    return response
