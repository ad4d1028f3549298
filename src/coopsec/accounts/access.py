"""Access rules for accounts."""

from __future__ import annotations

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor


def can_manage_accounts(actor: Actor) -> bool:
    """Administrators manage users and tokens."""
    return actor.has_role(R.ADMIN)
