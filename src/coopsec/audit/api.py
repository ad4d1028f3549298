"""REST routes of the audit trail (auditors only)."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from coopsec.api.auth import actor_of
from coopsec.audit import selectors

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    seq: int
    created_at: datetime
    actor: str = Field(alias="actor_username")
    organization: str = Field(alias="organization_code")
    action: str
    object_type: str
    object_id: str
    summary: dict[str, Any]
    request_id: str
    hash: str
    prev_hash: str


class AuditFilters(Schema):
    actor: str | None = Field(
        None, description="username of the acting user ('system' for commands)"
    )
    action: str | None = Field(
        None, description="exact action, or a prefix ending in '.' (e.g. 'reference.')"
    )
    object_type: str | None = None
    since: datetime | None = Field(None, description="ISO 8601 date or date-time (inclusive)")
    until: datetime | None = Field(None, description="ISO 8601 date or date-time (exclusive)")


@router.get("/audit", response=list[AuditEventOut], summary="Browse the audit trail")
@paginate(LimitOffsetPagination)
def audit_list(request: HttpRequest, filters: Query[AuditFilters]):  # type: ignore[no-untyped-def]
    """Audit events, newest first. Auditors only (others: 403)."""
    return selectors.audit_event_list(
        actor=actor_of(request),
        username=filters.actor,
        action=filters.action,
        object_type=filters.object_type,
        since=filters.since,
        until=filters.until,
    )
