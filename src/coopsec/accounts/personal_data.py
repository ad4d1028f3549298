"""Who may see personal data (participants' names, e-mails, ranks), and the pseudonyms
everyone else gets.

Personal data belongs to a person nominated by one partner for an activity hosted by one
institution: that partner's staff, the host institution's staff and the alliance's
coordinators may see it. Everyone else, analysts and their exports included, sees a stable
pseudonym instead: the same person always gets the same pseudonym within a deployment, and
the pseudonym cannot be reversed without the deployment's secret key.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor


def can_view_personal_data(actor: Actor, *, partner_id: int | None, host_id: int | None) -> bool:
    """Coordinators, the nominating partner's liaisons and the host institution's managers
    (by role: an analyst of the hosting organization still sees pseudonyms)."""
    if actor.has_role(R.COORDINATOR):
        return True
    org = actor.organization_id
    if org is None:
        return False
    if org == partner_id and actor.has_role(R.PARTNER_LIAISON):
        return True
    return org == host_id and actor.has_role(R.INSTITUTION_MANAGER)


def pseudonym(kind: str, identifier: object) -> str:
    """A stable, non-reversible identifier such as `P-3F9A1C2B7D`, keyed by SECRET_KEY."""
    key = hashlib.sha256(f"coopsec-pseudonym:{settings.SECRET_KEY}".encode()).digest()
    digest = hmac.new(key, f"{kind}:{identifier}".encode(), hashlib.sha256).hexdigest()
    return f"{kind[:1].upper()}-{digest[:10].upper()}"
