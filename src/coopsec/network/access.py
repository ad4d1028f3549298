"""Access rules of the network registry.

The registry holds public reference facts (who is an Ally or a partner, in which framework,
since when), so every signed-in actor may read all of it. Only administrators change it,
through the reference loader or the admin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopsec.accounts import roles as R

if TYPE_CHECKING:
    from coopsec.accounts.actor import Actor
    from coopsec.network.models import MembershipQuerySet, Organization, OrganizationQuerySet


def organizations_visible_to(actor: Actor, qs: OrganizationQuerySet) -> OrganizationQuerySet:
    """Every organization in the registry is public reference data."""
    return qs


def memberships_visible_to(actor: Actor, qs: MembershipQuerySet) -> MembershipQuerySet:
    """Memberships are public reference data."""
    return qs


def can_view_organization(actor: Actor, organization: Organization) -> bool:
    """Any actor may view any organization's registry entry."""
    return True


def can_change_reference_data(actor: Actor) -> bool:
    """Only administrators load or edit reference data."""
    return actor.has_role(R.ADMIN)
