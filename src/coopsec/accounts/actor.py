"""The Actor: who is asking. Every access rule, selector and service takes one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from coopsec.accounts import roles as R

if TYPE_CHECKING:
    from coopsec.accounts.models import User
    from coopsec.network.models import Organization


@dataclass(frozen=True)
class Actor:
    """A user acting for an organization with a set of roles."""

    user: User | None
    organization: Organization | None
    roles: frozenset[str]

    @classmethod
    def from_user(cls, user: User) -> Actor:
        """Build the actor for an authenticated user; superusers hold every role."""
        roles = R.ALL_ROLES if user.is_superuser else frozenset(user.roles or ())
        return cls(user=user, organization=user.organization, roles=frozenset(roles))

    @classmethod
    def system(cls) -> Actor:
        """The actor for commands run by an operator (loaders, migrations of data)."""
        return cls(user=None, organization=None, roles=frozenset({R.ADMIN}))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_alliance_staff(self) -> bool:
        return self.has_role(R.COORDINATOR, R.ANALYST, R.AUDITOR, R.ADMIN)

    @property
    def organization_id(self) -> int | None:
        return self.organization.pk if self.organization is not None else None
