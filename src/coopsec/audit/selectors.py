"""Reads of the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import QuerySet
from django.utils import timezone

from coopsec.accounts.actor import Actor
from coopsec.audit.access import can_view_audit
from coopsec.audit.models import AuditEvent
from coopsec.errors import Forbidden


def audit_event_list(
    *,
    actor: Actor,
    username: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Audit events, newest first, filtered. Raises Forbidden unless the actor is an auditor."""
    if not can_view_audit(actor):
        raise Forbidden("Only auditors read the audit trail.")
    qs = AuditEvent.objects.order_by("-seq")
    if username:
        qs = qs.filter(actor_username=username)
    if action:
        qs = (
            qs.filter(action__startswith=action)
            if action.endswith(".")
            else qs.filter(action=action)
        )
    if object_type:
        qs = qs.filter(object_type=object_type)
    if since:
        qs = qs.filter(created_at__gte=_aware(since))
    if until:
        qs = qs.filter(created_at__lt=_aware(until))
    return qs


def _aware(moment: datetime) -> datetime:
    """A date or date-time without an offset is read in UTC, the time the trail shows."""
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment
