"""The append-only, hash-chained audit trail.

Each event stores the hash of the event before it and its own hash over its content and that
link, so altering, inserting or deleting a row breaks the chain at that row; `AuditHead`
records the latest sequence number and hash, so deleting the newest rows is detected too.
The application never updates or deletes events.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One write or one release of shared information: who, for whom, what, when."""

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(editable=False, db_index=True)
    # The user's id as a plain number, not a foreign key: deleting a user must not rewrite
    # (and so break) the events that name them.
    actor_user_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    organization_code = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64, unique=True, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")

    def payload(self) -> dict[str, Any]:
        """The fields the hash covers (actor by id and name, so renames do not break it)."""
        return {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "actor_user_id": self.actor_user_id,
            "actor_username": self.actor_username,
            "organization_code": self.organization_code,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "summary": self.summary,
            "request_id": self.request_id,
            "prev_hash": self.prev_hash,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(self.payload(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


class AuditHead(models.Model):
    """The newest event's sequence number and hash (a single row, id=1)."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head #{self.seq}"
