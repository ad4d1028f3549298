"""Access rules of the analytics (docs/analytics.md, "Who sees what").

- Coordinators, analysts and admins read every section with partners named. Nothing in the
  analytics is personal data: partners are organizations, participants are only counted.
- A partner liaison reads every section as aggregates in which no other partner is named:
  per-partner rows only for its own partner, and no figure built from fewer than
  `COOPSEC_ANALYTICS["min_group"]` partners (so it cannot subtract its own share from a
  total of two and read off another partner's).
- An institution manager reads the sections without per-partner rows (area balance, depth
  versus breadth), under the same rule of the smallest group.
- Auditors read the audit trail, not the analytics.

Every figure counts only the activities the reader may see on the menu
(`Activity.objects.visible_to`): the same confidentiality rules as every other page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from coopsec.accounts import roles as R
from coopsec.errors import Forbidden

if TYPE_CHECKING:
    from coopsec.accounts.actor import Actor

AREA_BALANCE = "area-balance"
OVERLAP = "overlap"
ATTENTION = "attention"
DEPTH_BREADTH = "depth-breadth"
NETWORK = "network"
SECTIONS = (AREA_BALANCE, OVERLAP, ATTENTION, DEPTH_BREADTH, NETWORK)

# Sections without per-partner rows, which institution managers may read.
WITHOUT_PARTNER_ROWS = (AREA_BALANCE, DEPTH_BREADTH)
READ_ALL_ROLES = (R.COORDINATOR, R.ANALYST, R.ADMIN)


@dataclass(frozen=True)
class Reader:
    """What one actor may receive from the analytics.

    `names_partners`: per-partner rows for every partner. Otherwise only `own_partner_id`'s
    (None: no partner's), and `min_group` is the smallest number of partners a published
    figure may be built from (0: no limit).
    """

    names_partners: bool
    own_partner_id: int | None
    min_group: int

    def shows_partner(self, partner_id: int) -> bool:
        return self.names_partners or partner_id == self.own_partner_id

    def shows_group(self, partners: int) -> bool:
        """May a figure built from `partners` partners be shown? (Zero partners: an empty
        figure, which says nothing about anyone.)"""
        return partners == 0 or partners >= self.min_group


def can_view_redundancy(actor: Actor) -> bool:
    """Alliance staff, and institution managers over the activities they see on the menu.

    Partner liaisons do not: comparing the hosts' offers is the alliance's management of
    its menu, not a partner's business. Auditors read the audit trail.
    """
    if actor.has_role(*READ_ALL_ROLES):
        return True
    return actor.has_role(R.INSTITUTION_MANAGER) and actor.organization_id is not None


def can_view_section(actor: Actor, section: str) -> bool:
    """Staff read every section; liaisons every one without others' names; institution
    managers the sections without per-partner rows; auditors none."""
    if actor.has_role(*READ_ALL_ROLES):
        return True
    if actor.organization_id is None:
        return False
    if actor.has_role(R.PARTNER_LIAISON):
        return True
    return actor.has_role(R.INSTITUTION_MANAGER) and section in WITHOUT_PARTNER_ROWS


def reader_for(actor: Actor, section: str) -> Reader:
    """The actor's view of a section. Raises Forbidden when the actor may not read it."""
    if section not in SECTIONS:
        raise ValueError(f"Unknown analytics section '{section}'.")
    if not can_view_section(actor, section):
        raise Forbidden(_("Your role does not give access to this analytics section."))
    if actor.has_role(*READ_ALL_ROLES):
        return Reader(names_partners=True, own_partner_id=None, min_group=0)
    own = actor.organization_id if actor.has_role(R.PARTNER_LIAISON) else None
    return Reader(
        names_partners=False,
        own_partner_id=own,
        min_group=int(settings.COOPSEC_ANALYTICS["min_group"]),
    )


# The redundancy section, which has its own rule (can_view_redundancy).
REDUNDANCY = "redundancy"
# Every section a report may hold, in the order a committee reads them.
REPORT_SECTIONS = (*SECTIONS, REDUNDANCY)


def can_open(actor: Actor, section: str) -> bool:
    """May the actor open the section (any of REPORT_SECTIONS)?"""
    if section == REDUNDANCY:
        return can_view_redundancy(actor)
    return can_view_section(actor, section)


def reportable_sections(actor: Actor) -> list[str]:
    """The sections a report for the actor holds: those it may open, in reading order."""
    return [s for s in REPORT_SECTIONS if can_open(actor, s)]


def can_open_report(actor: Actor, requested_by_id: int) -> bool:
    """A report is its requester's alone: it holds what they were allowed to read."""
    return actor.user is not None and actor.user.pk == requested_by_id
