"""Reads of accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from coopsec.accounts.access import can_manage_accounts
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.errors import Forbidden


def user_list(*, actor: Actor) -> QuerySet[User]:
    """Every user with organization, by username. Raises Forbidden unless administrator."""
    if not can_manage_accounts(actor):
        raise Forbidden("Only administrators list accounts.")
    return User.objects.select_related("organization").order_by("username")
