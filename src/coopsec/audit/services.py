"""Appending to the audit trail. Every service write calls `audit_record` inside its
transaction, so the event commits or rolls back with the change it describes."""

from __future__ import annotations

import math
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from coopsec.accounts.actor import Actor
from coopsec.audit.context import current_request_id
from coopsec.audit.models import GENESIS_HASH, AuditEvent, AuditHead

# An arbitrary constant naming the audit chain's advisory lock on PostgreSQL.
_PG_LOCK_KEY = 0x636F6F70


def _lock_chain() -> AuditHead:
    """Serialize appends: PostgreSQL advisory lock; SQLite's IMMEDIATE transactions already
    hold the database's write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
    head, _created = AuditHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS_HASH}
    )
    return head


def audit_record(
    *,
    actor: Actor,
    action: str,
    object_type: str = "",
    object_id: object = "",
    summary: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain (inside the caller's transaction, or its own)."""
    with transaction.atomic():
        head = _lock_chain()
        user = actor.user
        event = AuditEvent(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor_user_id=user.pk if user is not None else None,
            actor_username=user.get_username() if user is not None else "system",
            organization_code=actor.organization.code if actor.organization is not None else "",
            action=action,
            object_type=object_type,
            object_id=_stable_str(str(object_id)),
            summary=_jsonable(summary or {}),
            request_id=current_request_id(),
            prev_hash=head.hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


def _jsonable(value: Any) -> Any:
    """Dates, decimals and model instances become strings, so the hash input is stable; numbers
    and text are stored in the form every database gives back (see `_stable_float`)."""
    if isinstance(value, dict):
        return {_stable_str(str(k)): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return _stable_float(value)
    if isinstance(value, str):
        return _stable_str(value)
    if value is None or isinstance(value, bool | int):
        return value
    return _stable_str(str(value))


def _stable_float(value: float) -> float | int | str:
    """PostgreSQL's jsonb reads back 1e16 as the integer 10000000000000000 and -0.0 as 0.0, and
    refuses NaN and infinities: store those as it would return them, or the event's hash would
    no longer verify (or the write would fail)."""
    if not math.isfinite(value):
        return str(value)
    if value == 0:
        return 0.0
    if value.is_integer() and abs(value) >= 1e16:
        return int(value)
    return value


def _stable_str(value: str) -> str:
    """PostgreSQL text and jsonb cannot hold NUL characters."""
    return value.replace("\x00", "\ufffd")
