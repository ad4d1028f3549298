"""Access rules of the audit trail."""

from __future__ import annotations

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor


def can_view_audit(actor: Actor) -> bool:
    """Auditors read the audit trail; nobody edits or deletes it through the application."""
    return actor.has_role(R.AUDITOR)
