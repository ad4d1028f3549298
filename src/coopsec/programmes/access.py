"""Access rules of partnership programmes and interests.

Who sees what:
- Alliance staff (coordinators, analysts, auditors, admins) see every partner's interests,
  programmes, objectives, revisions and assessments.
- A partner liaison sees only its own organization's; another partner's answer 404.
- Institution managers see none of it (their work is the menu).

Who does what:
- The partner side of interests is recorded by the partner's liaisons, the alliance side by
  coordinators.
- A liaison creates its partner's programme, edits it while it is a draft and submits it;
  a coordinator edits a submitted programme, returns it or agrees it. After agreement both
  sides may amend it, and every amendment is a new revision.
- Assessments are made by the partner (self-assessment) and by coordinators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db.models import QuerySet

from coopsec.accounts import roles as R

if TYPE_CHECKING:
    from coopsec.accounts.actor import Actor
    from coopsec.network.models import Organization
    from coopsec.programmes.models import Programme, ProgrammeQuerySet

STAFF_ROLES = (R.COORDINATOR, R.ANALYST, R.AUDITOR, R.ADMIN)
EDITORS = (R.COORDINATOR, R.ADMIN)

Q_T = TypeVar("Q_T", bound=QuerySet)


def partner_scoped(actor: Actor, qs: Q_T, partner_field: str) -> Q_T:
    """Everything for staff; the actor's own partner's rows for its liaisons; nothing else."""
    if actor.has_role(*STAFF_ROLES):
        return qs
    if actor.has_role(R.PARTNER_LIAISON) and actor.organization_id is not None:
        return qs.filter(**{partner_field: actor.organization_id})
    return qs.none()


def programmes_visible_to(actor: Actor, qs: ProgrammeQuerySet) -> ProgrammeQuerySet:
    """Every programme for staff; its own for a partner's liaison."""
    return partner_scoped(actor, qs, "partner_id")


def can_view_partner(actor: Actor, partner: Organization) -> bool:
    """May the actor see this partner's interests and programmes?"""
    if actor.has_role(*STAFF_ROLES):
        return True
    return actor.has_role(R.PARTNER_LIAISON) and actor.organization_id == partner.pk


def is_partner_liaison(actor: Actor, partner_id: int) -> bool:
    return actor.has_role(R.PARTNER_LIAISON) and actor.organization_id == partner_id


def can_record_interests(actor: Actor, partner: Organization, side: str) -> bool:
    """The partner side by the partner's liaisons; the alliance side by coordinators."""
    from coopsec.programmes.models import Side

    if side == Side.PARTNER:
        return is_partner_liaison(actor, partner.pk)
    return actor.has_role(*EDITORS)


def can_create_programme(actor: Actor) -> bool:
    """A partner's liaison starts its partner's programme."""
    from coopsec.programmes.selectors import PARTNER_KINDS

    # A superuser holds every role: its organization (the alliance) is no partner.
    org = actor.organization
    return actor.has_role(R.PARTNER_LIAISON) and org is not None and org.kind in PARTNER_KINDS


def can_edit_programme(actor: Actor, programme: Programme) -> bool:
    """Drafts by the partner; submitted ones by coordinators; agreed ones by both (as a new
    revision); superseded ones by nobody."""
    from coopsec.programmes.models import ProgrammeStatus

    partner = is_partner_liaison(actor, programme.partner_id)
    coordinator = actor.has_role(*EDITORS)
    if programme.status == ProgrammeStatus.DRAFT:
        return partner
    if programme.status == ProgrammeStatus.SUBMITTED:
        return coordinator
    if programme.status == ProgrammeStatus.AGREED:
        return partner or coordinator
    return False


def can_submit_programme(actor: Actor, programme: Programme) -> bool:
    """The partner's liaison submits its partner's programme."""
    return is_partner_liaison(actor, programme.partner_id)


def can_review_programme(actor: Actor, programme: Programme) -> bool:
    """Coordinators agree a programme or return it to the partner."""
    return actor.has_role(*EDITORS)


def can_comment_programme(actor: Actor, programme: Programme) -> bool:
    """Either side of the programme."""
    return is_partner_liaison(actor, programme.partner_id) or actor.has_role(*EDITORS)


def can_assess_programme(actor: Actor, programme: Programme) -> bool:
    """The partner assesses itself; coordinators assess for the alliance."""
    return is_partner_liaison(actor, programme.partner_id) or actor.has_role(*EDITORS)


def assessing_side(actor: Actor, programme: Programme) -> str:
    from coopsec.programmes.models import Side

    return Side.PARTNER if is_partner_liaison(actor, programme.partner_id) else Side.ALLIANCE
