"""The auditors' page: browse and filter the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coopsec.accounts.actor import Actor
from coopsec.audit.forms import AuditFilterForm
from coopsec.audit.selectors import audit_event_list
from coopsec.errors import Forbidden


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """Newest events first, 50 a page, filters in the URL."""
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    since, until = filters.get("since"), filters.get("until")
    try:
        events = audit_event_list(
            actor=Actor.from_user(request.user),  # type: ignore[arg-type]
            username=filters.get("actor") or None,
            action=filters.get("action") or None,
            since=datetime.combine(since, time.min, tzinfo=UTC) if since else None,
            until=datetime.combine(until, time.min, tzinfo=UTC) if until else None,
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "section": "audit"},
    )
