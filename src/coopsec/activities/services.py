"""Writes on the cooperation menu. Each service authorizes once, runs in one transaction,
validates, records an audit event and sends notifications after commit.

Seat safety: every service that can change who holds a seat first locks the activity row
(`_lock_activity`), then counts. On PostgreSQL the lock is SELECT ... FOR UPDATE; on SQLite
the IMMEDIATE transaction already holds the database's write lock. The column
`confirmed_count` is kept in step and the database refuses `confirmed_count > seats`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F
from django.utils import timezone

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities import access, lifecycle
from coopsec.activities.eligibility import eligible_organization_ids
from coopsec.activities.models import (
    LIVE_STATES,
    SEAT_STATES,
    Activity,
    ActivityReference,
    ActivityReport,
    ActivityState,
    ActivityType,
    Clearance,
    CooperationArea,
    Eligibility,
    Feedback,
    Mode,
    Nature,
    Nomination,
    NominationState,
    Notification,
    Participant,
)
from coopsec.audit.services import audit_record
from coopsec.errors import Forbidden, Invalid, NotFound
from coopsec.network import dates
from coopsec.network.models import Framework, Organization

# --- activities ----------------------------------------------------------------------------


@dataclass
class ActivityInput:
    """What a host or coordinator states about an activity; codes name organizations,
    areas and frameworks. Every field is checked and every problem reported at once."""

    title: str
    type: str
    host: str
    primary_area: str
    start: date
    end: date
    seats: int
    per_partner_cap: int | None = None
    eligibility: str = Eligibility.ALL_PARTNERS
    eligible_frameworks: list[str] = field(default_factory=list)
    eligible_organizations: list[str] = field(default_factory=list)
    mode: str = Mode.FCFS
    code: str = ""
    title_fr: str = ""
    description: str = ""
    description_fr: str = ""
    secondary_areas: list[str] = field(default_factory=list)
    country: str = ""
    city: str = ""
    online: bool = False
    language: str = "en"
    clearance: str = Clearance.NONE
    tuition_cost: Any = 0
    accommodation_cost: Any = 0
    nature: str = Nature.MILITARY
    registration_deadline: date | None = None
    references: dict[str, str] = field(default_factory=dict)
    synthetic: bool = False


# Names already looked up in this bulk operation (see `names_cached`); None outside one.
_names: ContextVar[dict[tuple[str, str], Any] | None] = ContextVar("names", default=None)


@contextmanager
def names_cached() -> Iterator[None]:
    """Within the block, each organization, area and framework name is looked up once: a
    spreadsheet import names the same few dozen in every one of its rows."""
    token = _names.set({})
    try:
        yield
    finally:
        _names.reset(token)


def _cached(kind: str, code: str, find: Callable[[str], Any]) -> Any:
    cache = _names.get()
    if cache is None:
        return find(code.strip())
    key = (kind, code.strip().lower())
    if key not in cache:
        cache[key] = find(code.strip())
    return cache[key]


def _organization(code: str) -> Organization | None:
    return _cached(
        "organization",
        code,
        lambda code: (
            Organization.objects.filter(code__iexact=code).first()
            or Organization.objects.filter(iso3__iexact=code).first()
            or Organization.objects.filter(name__iexact=code).first()
        ),
    )


def _area(code: str) -> CooperationArea | None:
    return _cached(
        "area",
        code,
        lambda code: (
            CooperationArea.objects.filter(code__iexact=code).first()
            or CooperationArea.objects.filter(name__iexact=code).first()
        ),
    )


def _resolve(data: ActivityInput) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check the input and turn codes into objects: (fields, relations), or raise Invalid."""
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {}
    rel: dict[str, Any] = {}
    if not data.title.strip():
        errors["title"] = "A title is required."
    if data.type not in ActivityType.values:
        errors["type"] = (
            f"'{data.type}' is not a type; use one of {', '.join(ActivityType.values)}."
        )
    host = _organization(data.host) if data.host else None
    if host is None:
        errors["host"] = f"No organization '{data.host}'."
    area = _area(data.primary_area) if data.primary_area else None
    if area is None:
        errors["primary_area"] = f"No cooperation area '{data.primary_area}'."
    secondary = []
    for code in data.secondary_areas:
        found = _area(code)
        if found is None:
            errors["secondary_areas"] = f"No cooperation area '{code}'."
        else:
            secondary.append(found)
    if data.start and data.end and data.end < data.start:
        errors["end"] = f"The activity ends ({data.end}) before it starts ({data.start})."
    if data.registration_deadline and data.start and data.registration_deadline > data.start:
        errors["registration_deadline"] = "The registration deadline is after the start."
    if not isinstance(data.seats, int) or data.seats < 1:
        errors["seats"] = f"Seats must be a whole number of at least 1, not '{data.seats}'."
    cap = data.per_partner_cap
    if cap is not None and (not isinstance(cap, int) or cap < 1):
        errors["per_partner_cap"] = f"The per-partner cap must be at least 1, not '{cap}'."
    if data.eligibility not in Eligibility.values:
        errors["eligibility"] = (
            f"'{data.eligibility}' is not one of {', '.join(Eligibility.values)}."
        )
    frameworks = []
    for code in data.eligible_frameworks:
        fw = _cached(
            "framework", code, lambda code: Framework.objects.filter(code__iexact=code).first()
        )
        if fw is None:
            errors["eligible_frameworks"] = f"No framework '{code}'."
        else:
            frameworks.append(fw)
    organizations = []
    for code in data.eligible_organizations:
        org = _organization(code)
        if org is None:
            errors["eligible_organizations"] = f"No organization '{code}'."
        else:
            organizations.append(org)
    if data.eligibility == Eligibility.FRAMEWORKS and not data.eligible_frameworks:
        errors.setdefault("eligible_frameworks", "Name at least one framework.")
    if data.eligibility == Eligibility.ORGANIZATIONS and not data.eligible_organizations:
        errors.setdefault("eligible_organizations", "Name at least one organization.")
    if data.mode not in Mode.values:
        errors["mode"] = f"'{data.mode}' is not one of {', '.join(Mode.values)}."
    if data.clearance not in Clearance.values:
        errors["clearance"] = f"'{data.clearance}' is not one of {', '.join(Clearance.values)}."
    if data.nature not in Nature.values:
        errors["nature"] = f"'{data.nature}' is not one of {', '.join(Nature.values)}."
    costs = {}
    for name in ("tuition_cost", "accommodation_cost"):
        try:
            value = Decimal(str(data.__dict__[name] or 0))
        except InvalidOperation:
            errors[name] = f"'{data.__dict__[name]}' is not an amount."
            continue
        if value < 0:
            errors[name] = "An amount cannot be negative."
        costs[name] = value.quantize(Decimal("0.01"))
    country = None
    if data.country:
        country = _organization(data.country)
        if country is None or not country.is_state:
            errors["country"] = f"No state '{data.country}'."
    if errors:
        raise Invalid("The activity cannot be saved.", details=errors)
    fields.update(
        title=data.title.strip(), title_fr=data.title_fr.strip(), type=data.type,
        description=data.description, description_fr=data.description_fr, host=host,
        primary_area=area, start=data.start, end=data.end, country=country,
        city=data.city.strip(), online=data.online, language=data.language.strip() or "en",
        seats=data.seats, per_partner_cap=cap, eligibility=data.eligibility,
        clearance=data.clearance, nature=data.nature,
        registration_deadline=data.registration_deadline, mode=data.mode,
        synthetic=data.synthetic, **costs,
    )  # fmt: skip
    rel.update(
        secondary_areas=secondary, eligible_frameworks=frameworks,
        eligible_organizations=organizations, references=data.references,
    )  # fmt: skip
    return fields, rel


def _new_code(start: date) -> str:
    while True:
        code = f"A{start:%y}-{secrets.token_hex(3).upper()}"
        if not Activity.objects.filter(code=code).exists():
            return code


def _full_clean(instance: models.Model, message: str) -> None:
    """The model's own field checks (lengths, choices) as the project's Invalid.

    Relations, the unique code and the check constraints are not validated again here: the
    callers resolve every relation from the database and check the code and each
    constraint's condition first (`_resolve`, the seats rule), and the database enforces
    them. Django validates each of them with a query of its own, which made up half the
    time of a 10,000-row spreadsheet import.
    """
    relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    try:
        instance.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        details = {name: " ".join(str(m) for m in msgs) for name, msgs in exc.message_dict.items()}
        raise Invalid(message, details=details) from exc


def _set_relations(activity: Activity, rel: dict[str, Any], *, created: bool = False) -> None:
    """Areas, eligibility lists and external references. Raises Invalid when a reference
    already names another activity."""
    taken = [
        f"{system}:{reference}"
        for system, reference in rel["references"].items()
        if ActivityReference.objects.filter(system=system, reference=reference)
        .exclude(activity=activity)
        .exists()
    ]
    if taken:
        raise Invalid(
            "The activity cannot be saved.",
            details={"references": f"Already used by another activity: {', '.join(taken)}."},
        )
    if created:
        _insert_relations(activity, rel)
        return
    activity.secondary_areas.set(rel["secondary_areas"])
    activity.eligible_frameworks.set(rel["eligible_frameworks"])
    activity.eligible_organizations.set(rel["eligible_organizations"])
    for system, reference in rel["references"].items():
        ActivityReference.objects.update_or_create(
            activity=activity, system=system, defaults={"reference": reference}
        )


def _insert_relations(activity: Activity, rel: dict[str, Any]) -> None:
    """A new activity has no relations yet: insert them without first reading what is there
    (`set()` reads twice per relation; that was a third of a spreadsheet import's time)."""
    for name in ("secondary_areas", "eligible_frameworks", "eligible_organizations"):
        manager = getattr(activity, name)
        through = manager.through
        targets = {obj.pk: obj for obj in rel[name]}  # a name given twice is one relation
        through.objects.bulk_create(
            through(**{manager.source_field_name: activity, manager.target_field_name: obj})
            for obj in targets.values()
        )
    ActivityReference.objects.bulk_create(
        ActivityReference(activity=activity, system=system, reference=reference)
        for system, reference in rel["references"].items()
    )


def activity_create(*, actor: Actor, data: ActivityInput) -> Activity:
    """Propose an activity (state `proposed`). Raises Forbidden, Invalid."""
    if not actor.has_role(R.COORDINATOR, R.INSTITUTION_MANAGER):
        raise Forbidden("Only coordinators and institution managers propose activities.")
    fields, rel = _resolve(data)
    if not access.can_propose_activity(actor, fields["host"]):
        raise Forbidden("You may propose activities only for your own institution.")
    code = data.code.strip() or _new_code(data.start)
    taken = Invalid("The activity cannot be saved.", details={"code": f"'{code}' exists."})
    if Activity.objects.filter(code=code).exists():
        raise taken
    with transaction.atomic():
        activity = Activity(code=code, created_by=actor.user, **fields)
        _full_clean(activity, "The activity cannot be saved.")
        try:
            with transaction.atomic():
                activity.save()
        except IntegrityError as exc:  # the same code, saved a moment ago
            raise taken from exc
        _set_relations(activity, rel, created=True)
        audit_record(
            actor=actor, action="activity.create", object_type="activity", object_id=activity.pk,
            summary={"code": code, "title": activity.title, "host": activity.host.code},
        )  # fmt: skip
    return activity


def activity_update(*, actor: Actor, activity_id: int, data: ActivityInput) -> Activity:
    """Change an activity's description (not its state). Seats cannot drop below the seats
    already confirmed; the host changes only to one the actor may propose for.
    Raises NotFound, Forbidden, Invalid."""
    with transaction.atomic():
        activity = _lock_activity(actor, activity_id)
        if not access.can_edit_activity(actor, activity):
            raise Forbidden("You may not change this activity.")
        fields, rel = _resolve(data)
        if fields["host"].pk != activity.host_id and not access.can_propose_activity(
            actor, fields["host"]
        ):
            raise Forbidden("You may not hand the activity to another institution.")
        if fields["seats"] < activity.confirmed_count:
            raise Invalid(
                "The activity cannot be saved.",
                details={"seats": f"{activity.confirmed_count} seats are already confirmed."},
            )
        cap = fields["per_partner_cap"]
        holder = _largest_holder(activity)
        if cap is not None and holder is not None and holder[1] > cap:
            raise Invalid(
                "The activity cannot be saved.",
                details={"per_partner_cap": f"{holder[0]} already holds {holder[1]} seats."},
            )
        changed = {
            name: [str(getattr(activity, name)), str(value)]
            for name, value in fields.items()
            if getattr(activity, name) != value
        }
        for name, value in fields.items():
            setattr(activity, name, value)
        activity.updated_at = timezone.now()
        _full_clean(activity, "The activity cannot be saved.")
        activity.save()
        _set_relations(activity, rel)
        audit_record(
            actor=actor, action="activity.update", object_type="activity",
            object_id=activity.pk, summary={"code": activity.code, "changed": changed},
        )  # fmt: skip
        # More seats or a higher cap may let waiting nominations in.
        _promote_waitlist(actor, activity)
    return activity


def _largest_holder(activity: Activity) -> tuple[str, int] | None:
    """The partner holding the most seats on the activity (name, seats), if any."""
    row = (
        Nomination.objects.filter(activity=activity, state__in=SEAT_STATES)
        .values("partner__name")
        .annotate(seats=Count("pk"))
        .order_by("-seats", "partner__name")
        .first()
    )
    return (row["partner__name"], row["seats"]) if row else None


def _lock_activity(actor: Actor, activity_id: int) -> Activity:
    """The activity, locked for this transaction; NotFound when invisible to the actor."""
    if not Activity.objects.visible_to(actor).filter(pk=activity_id).exists():
        raise NotFound(f"No activity {activity_id}.")
    # of=("self",): lock the activity only, not the host and area rows joined to it.
    return (
        Activity.objects.select_for_update(of=("self",))
        .select_related("host", "primary_area")
        .get(pk=activity_id)
    )


def activity_transition(*, actor: Actor, activity_id: int, to: str) -> Activity:
    """Move an activity along its lifecycle. Opening notifies the eligible partners.

    Cancelling tells the partners with nominations. Raises NotFound, Forbidden (not this
    actor's transition), Invalid (not a transition of the machine, or conducted before it
    started; reporting goes through report_submit).
    """
    with transaction.atomic():
        activity = _lock_activity(actor, activity_id)
        if not access.can_move_activity(actor, activity):
            raise Forbidden("Only a coordinator or the host institution moves this activity.")
        problem = lifecycle.transition_error(activity.state, to)
        if problem:
            raise Invalid(problem, details={"to": problem})
        if to == lifecycle.REPORTED:
            raise Invalid(
                "An activity becomes reported when its host submits the after-action report.",
                details={"to": "submit the report instead"},
            )
        if not access.can_transition_activity(actor, activity, to):
            raise Forbidden(f"You may not move this activity to '{to}'.")
        if to == lifecycle.CONDUCTED and activity.start > dates.today():
            raise Invalid(
                f"The activity starts on {activity.start}; it cannot be conducted before.",
                details={"to": "not started yet"},
            )
        before = activity.state
        activity.state = to
        activity.updated_at = timezone.now()
        activity.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=actor, action="activity.transition", object_type="activity",
            object_id=activity.pk, summary={"code": activity.code, "from": before, "to": to},
        )  # fmt: skip
        if to == lifecycle.OPEN and before == lifecycle.APPROVED:
            _notify_partners_opened(activity)
        if to == lifecycle.CANCELLED:
            _notify(
                _liaisons_of(_nominating_partners(activity, LIVE_STATES)),
                f"Cancelled: {activity.code} {activity.title} ({activity.start})",
                f"/activities/{activity.pk}/",
            )
    return activity


def _nominating_partners(activity: Activity, states: tuple[str, ...]) -> set[int]:
    return set(
        Nomination.objects.filter(activity=activity, state__in=states).values_list(
            "partner_id", flat=True
        )
    )


def _liaisons_of(organization_ids: set[int]) -> list[User]:
    return [
        u
        for u in User.objects.filter(organization_id__in=organization_ids, is_active=True)
        if R.PARTNER_LIAISON in (u.roles or [])
    ]


def _notify(users: list[User], message: str, link: str) -> None:
    """In-app notifications now; e-mail after the transaction commits."""
    Notification.objects.bulk_create(
        [Notification(user=u, message=message[:300], link=link) for u in users]
    )
    mails = [
        (message[:120], f"{message}\n\n{link}", settings.DEFAULT_FROM_EMAIL, [u.email])
        for u in users
        if u.email
    ]
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=True))


def _notify_partners_opened(activity: Activity) -> None:
    users = _liaisons_of(eligible_organization_ids(activity))
    _notify(
        users,
        f"Open for nominations: {activity.code} {activity.title} ({activity.start})",
        f"/activities/{activity.pk}/",
    )


# --- nominations ---------------------------------------------------------------------------


@dataclass
class ParticipantInput:
    name: str
    email: str = ""
    rank: str = ""


def _partner_holds(activity: Activity, partner_id: int) -> int:
    return Nomination.objects.filter(
        activity=activity, partner_id=partner_id, state__in=SEAT_STATES
    ).count()


def _has_room(activity: Activity, partner_id: int) -> bool:
    if activity.confirmed_count >= activity.seats:
        return False
    cap = activity.per_partner_cap
    return cap is None or _partner_holds(activity, partner_id) < cap


def _take_seat(activity: Activity, nomination: Nomination, state: str) -> None:
    Activity.objects.filter(pk=activity.pk).update(confirmed_count=F("confirmed_count") + 1)
    activity.confirmed_count += 1
    nomination.state = state
    nomination.decided_at = timezone.now()


def _free_seat(activity: Activity) -> None:
    Activity.objects.filter(pk=activity.pk).update(confirmed_count=F("confirmed_count") - 1)
    activity.confirmed_count -= 1


def nomination_create(
    *,
    actor: Actor,
    activity_id: int,
    participant: ParticipantInput,
    priority: int = 1,
    programme_item: int | None = None,
) -> Nomination:
    """Nominate a participant of the actor's organization, optionally naming the planned
    activity of the partner's programme it serves.

    First come, first served: confirmed while seats and the partner's cap allow, waitlisted
    otherwise. In allocated mode the nomination waits (`pending`) for the coordinator.
    Raises NotFound, Forbidden (not a liaison, or the partner is not eligible), Invalid.
    """
    errors: dict[str, str] = {}
    if not participant.name.strip():
        errors["participant.name"] = "The participant's name is required."
    if not isinstance(priority, int) or priority < 1:
        errors["priority"] = "The priority is a rank from 1 (first choice)."
    if errors:
        raise Invalid("The nomination cannot be made.", details=errors)
    with transaction.atomic():
        activity = _lock_activity(actor, activity_id)
        if not access.can_nominate(actor, activity):
            raise Forbidden("Only a partner's liaison nominates participants.")
        assert actor.organization is not None
        partner = actor.organization
        if activity.state != lifecycle.OPEN:
            raise Invalid(
                f"The activity is {activity.state}, not open for nominations.",
                details={"activity": "not open"},
            )
        deadline = activity.registration_deadline
        if deadline is not None and dates.today() > deadline:
            raise Invalid(
                f"Registration closed on {deadline}.", details={"activity": "deadline passed"}
            )
        if partner.pk not in eligible_organization_ids(activity):
            raise Forbidden(f"{partner.name} is not eligible for {activity.code}.")
        person = None
        email = participant.email.strip().lower()
        if email:
            person = Participant.objects.filter(partner=partner, email=email).first()
        if person is None:
            person = Participant.objects.create(
                partner=partner, name=participant.name.strip(), email=email,
                rank=participant.rank.strip(),
            )  # fmt: skip
        elif Nomination.objects.filter(
            activity=activity, participant=person, state__in=LIVE_STATES
        ).exists():
            raise Invalid(
                "This participant is already nominated for this activity.",
                details={"participant": "already nominated"},
            )
        nomination = Nomination(
            activity=activity, partner=partner, participant=person, priority=priority,
            nominated_by=actor.user, state=NominationState.WAITLISTED,
            programme_item=_programme_item(actor, activity, programme_item),
        )  # fmt: skip
        if activity.mode == Mode.ALLOCATED:
            nomination.state = NominationState.PENDING
        elif _has_room(activity, partner.pk):
            _take_seat(activity, nomination, NominationState.CONFIRMED)
        try:
            with transaction.atomic():
                nomination.save()
        except IntegrityError as exc:
            raise Invalid(
                "This participant is already nominated for this activity.",
                details={"participant": "already nominated"},
            ) from exc
        audit_record(
            actor=actor, action="nomination.create", object_type="nomination",
            object_id=nomination.pk,
            summary={"activity": activity.code, "partner": partner.code,
                     "state": nomination.state, "priority": priority,
                     "programme_item": programme_item},
        )  # fmt: skip
    return nomination


def _programme_item(actor: Actor, activity: Activity, item_id: int | None) -> Any:
    """The partner's programme item a nomination names, checked to fit the activity."""
    if item_id is None:
        return None
    from coopsec.programmes.selectors import item_choices_for_nomination

    for item in item_choices_for_nomination(actor=actor, activity=activity):
        if item.pk == item_id:
            return item
    raise Invalid(
        f"Planned activity #{item_id} is not in your programme for {activity.code}: it must "
        "name this activity, or its area, type and year.",
        details={"programme_item": item_id},
    )


def nomination_link_item(*, actor: Actor, nomination_id: int, item_id: int | None) -> Nomination:
    """The partner names (or clears) the programme item a nomination serves. Raises
    NotFound, Forbidden (not the nominating partner's liaison), Invalid (the item does not
    fit the activity)."""
    with transaction.atomic():
        nomination, activity = _lock_nomination(actor, nomination_id)
        if not access.can_link_programme_item(actor, nomination):
            raise Forbidden("The nominating partner's liaisons link its nominations.")
        nomination.programme_item = _programme_item(actor, activity, item_id)
        nomination.save(update_fields=["programme_item"])
        audit_record(
            actor=actor, action="nomination.link_item", object_type="nomination",
            object_id=nomination.pk, summary={"activity": activity.code, "item": item_id},
        )  # fmt: skip
    return nomination


def _lock_nomination(actor: Actor, nomination_id: int) -> tuple[Nomination, Activity]:
    nomination = (
        Nomination.objects.visible_to(actor).select_related("activity").filter(pk=nomination_id)
    ).first()
    if nomination is None:
        raise NotFound(f"No nomination {nomination_id}.")
    activity = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("host")
        .get(pk=nomination.activity_id)
    )
    nomination.refresh_from_db()
    nomination.activity = activity
    return nomination, activity


def _promote_waitlist(
    actor: Actor, activity: Activity, *, passed_over: int | None = None
) -> list[Nomination]:
    """Confirm waiting nominations in order while seats are free, skipping partners at cap
    (and `passed_over`, a nomination the host has just put on the waiting list)."""
    if activity.mode != Mode.FCFS or activity.state not in (lifecycle.OPEN, lifecycle.CLOSED):
        return []
    waiting_list = Nomination.objects.filter(activity=activity, state=NominationState.WAITLISTED)
    if passed_over is not None:
        waiting_list = waiting_list.exclude(pk=passed_over)
    promoted = []
    for waiting in waiting_list.order_by("created_at", "pk"):
        if activity.confirmed_count >= activity.seats:
            break
        if _has_room(activity, waiting.partner_id):
            _take_seat(activity, waiting, NominationState.CONFIRMED)
            waiting.save(update_fields=["state", "decided_at"])
            promoted.append(waiting)
            audit_record(
                actor=actor, action="nomination.promote", object_type="nomination",
                object_id=waiting.pk, summary={"activity": activity.code},
            )  # fmt: skip
    for nomination in promoted:
        _notify(
            _liaisons_of({nomination.partner_id}),
            f"Seat confirmed from the waiting list: {activity.code} {activity.title}",
            f"/activities/{activity.pk}/",
        )
    return promoted


def nomination_withdraw(*, actor: Actor, nomination_id: int) -> Nomination:
    """Withdraw a nomination; a freed seat goes to the next waiting nomination.

    Raises NotFound, Forbidden, Invalid (already withdrawn, declined or attended, or the
    activity has been conducted).
    """
    with transaction.atomic():
        nomination, activity = _lock_nomination(actor, nomination_id)
        if not access.can_withdraw_nomination(actor, nomination):
            raise Forbidden("You may not withdraw this nomination.")
        if activity.state in (lifecycle.CONDUCTED, lifecycle.REPORTED):
            raise Invalid(
                f"The activity is {activity.state}; record attendance instead of withdrawing.",
                details={"activity": activity.state},
            )
        if nomination.state not in (
            NominationState.PENDING, NominationState.WAITLISTED, NominationState.CONFIRMED
        ):  # fmt: skip
            raise Invalid(
                f"A nomination that is {nomination.state} cannot be withdrawn.",
                details={"state": nomination.state},
            )
        if nomination.state == NominationState.CONFIRMED:
            _free_seat(activity)
        before = nomination.state
        nomination.state = NominationState.WITHDRAWN
        nomination.decided_at = timezone.now()
        nomination.save(update_fields=["state", "decided_at"])
        audit_record(
            actor=actor, action="nomination.withdraw", object_type="nomination",
            object_id=nomination.pk, summary={"activity": activity.code, "from": before},
        )  # fmt: skip
        _promote_waitlist(actor, activity)
    return nomination


DECISIONS = (NominationState.CONFIRMED, NominationState.WAITLISTED, NominationState.DECLINED)


def nomination_decide(*, actor: Actor, nomination_id: int, to: str) -> Nomination:
    """The host or a coordinator confirms, waitlists or declines a nomination.

    Only while the activity is open or closed; confirming needs a free seat and room under
    the partner's cap. A seat freed by the decision goes to the next waiting nomination
    (never back to the one just put on the waiting list). Raises NotFound, Forbidden,
    Invalid.
    """
    if to not in DECISIONS:
        raise Invalid(f"'{to}' is not one of {', '.join(DECISIONS)}.", details={"to": to})
    with transaction.atomic():
        nomination, activity = _lock_nomination(actor, nomination_id)
        if not access.can_manage_registration(actor, activity):
            raise Forbidden("Only the host or a coordinator decides on nominations.")
        if activity.state not in (lifecycle.OPEN, lifecycle.CLOSED):
            raise Invalid(
                f"The activity is {activity.state}; registration decisions are over.",
                details={"activity": activity.state},
            )
        if nomination.state not in (
            NominationState.PENDING, NominationState.WAITLISTED, NominationState.CONFIRMED
        ):  # fmt: skip
            raise Invalid(
                f"A nomination that is {nomination.state} cannot be changed now.",
                details={"state": nomination.state},
            )
        if nomination.state == to:
            return nomination
        before = nomination.state
        if before == NominationState.CONFIRMED:
            _free_seat(activity)
        if to == NominationState.CONFIRMED:
            if not _has_room(activity, nomination.partner_id):
                full = activity.confirmed_count >= activity.seats
                reason = "every seat is taken" if full else "the partner is at its cap"
                raise Invalid(f"Cannot confirm: {reason}.", details={"to": reason})
            _take_seat(activity, nomination, to)
        else:
            nomination.state = to
            nomination.decided_at = timezone.now()
        nomination.save(update_fields=["state", "decided_at"])
        audit_record(
            actor=actor, action="nomination.decide", object_type="nomination",
            object_id=nomination.pk,
            summary={"activity": activity.code, "from": before, "to": to},
        )  # fmt: skip
        if before == NominationState.CONFIRMED:
            _promote_waitlist(actor, activity, passed_over=nomination.pk)
        _notify(
            _liaisons_of({nomination.partner_id}),
            f"Nomination {to}: {activity.code} {activity.title}",
            f"/activities/{activity.pk}/",
        )
    return nomination


def attendance_record(*, actor: Actor, nomination_id: int, attended: bool) -> Nomination:
    """The host records whether a confirmed participant attended (and may correct it until
    feedback is given). Raises NotFound, Forbidden, Invalid (not confirmed, the activity has
    not started or was cancelled or reported, or the participant already gave feedback)."""
    with transaction.atomic():
        nomination, activity = _lock_nomination(actor, nomination_id)
        if not access.can_manage_registration(actor, activity):
            raise Forbidden("Only the host or a coordinator records attendance.")
        if nomination.state not in SEAT_STATES:
            raise Invalid(
                f"Only confirmed participants attend; this nomination is {nomination.state}.",
                details={"state": nomination.state},
            )
        if activity.state not in (lifecycle.OPEN, lifecycle.CLOSED, lifecycle.CONDUCTED):
            raise Invalid(
                f"The activity is {activity.state}; attendance cannot be recorded.",
                details={"activity": activity.state},
            )
        if activity.start > dates.today():
            raise Invalid(
                f"The activity starts on {activity.start}.", details={"activity": "not started"}
            )
        state = NominationState.ATTENDED if attended else NominationState.NO_SHOW
        if state != nomination.state and Feedback.objects.filter(nomination=nomination).exists():
            raise Invalid(
                "The participant has given feedback; attendance can no longer change.",
                details={"state": nomination.state},
            )
        nomination.state = state
        nomination.save(update_fields=["state"])
        audit_record(
            actor=actor, action="nomination.attendance", object_type="nomination",
            object_id=nomination.pk, summary={"activity": activity.code, "state": state},
        )  # fmt: skip
    return nomination


# --- outcomes ------------------------------------------------------------------------------


@dataclass
class FeedbackInput:
    relevance: int
    quality: int
    applicability: int
    comments: str = ""


def feedback_submit(*, actor: Actor, nomination_id: int, data: FeedbackInput) -> Feedback:
    """Record a participant's feedback (entered by its partner's liaison). Raises NotFound,
    Forbidden, Invalid (not attended, ratings outside 1-5, already given)."""
    errors = {
        name: "A rating from 1 to 5."
        for name in ("relevance", "quality", "applicability")
        if not isinstance(getattr(data, name), int) or not 1 <= getattr(data, name) <= 5
    }
    if errors:
        raise Invalid("The feedback cannot be saved.", details=errors)
    given = Invalid("Feedback was already given.", details={"nomination": "has feedback"})
    with transaction.atomic():
        # The activity's lock orders this after any attendance correction by the host.
        nomination, _activity = _lock_nomination(actor, nomination_id)
        if not access.can_submit_feedback(actor, nomination):
            raise Forbidden("Feedback comes from the participant's own partner.")
        if nomination.state != NominationState.ATTENDED:
            raise Invalid(
                "Only participants who attended give feedback.",
                details={"state": nomination.state},
            )
        if Feedback.objects.filter(nomination=nomination).exists():
            raise given
        try:
            with transaction.atomic():
                feedback = Feedback.objects.create(
                    nomination=nomination, relevance=data.relevance, quality=data.quality,
                    applicability=data.applicability, comments=data.comments.strip(),
                )  # fmt: skip
        except IntegrityError as exc:  # given a moment ago, in another request
            raise given from exc
        audit_record(
            actor=actor, action="feedback.submit", object_type="nomination",
            object_id=nomination.pk,
            summary={"relevance": data.relevance, "quality": data.quality,
                     "applicability": data.applicability},
        )  # fmt: skip
    return feedback


@dataclass
class ReportInput:
    summary: str
    lessons: str = ""
    recommendations: str = ""


def report_submit(*, actor: Actor, activity_id: int, data: ReportInput) -> ActivityReport:
    """The host's after-action report; the activity becomes `reported` and the participating
    partners are notified. Raises NotFound, Forbidden, Invalid."""
    if not data.summary.strip():
        raise Invalid("The report needs a summary.", details={"summary": "required"})
    with transaction.atomic():
        activity = _lock_activity(actor, activity_id)
        if not access.can_transition_activity(actor, activity, lifecycle.REPORTED):
            raise Forbidden("Only the host submits the after-action report.")
        if activity.state != ActivityState.CONDUCTED:
            raise Invalid(
                f"The activity is {activity.state}; report once it is conducted.",
                details={"activity": activity.state},
            )
        report = ActivityReport.objects.create(
            activity=activity, summary=data.summary.strip(), lessons=data.lessons.strip(),
            recommendations=data.recommendations.strip(), submitted_by=actor.user,
        )  # fmt: skip
        activity.state = ActivityState.REPORTED
        activity.updated_at = timezone.now()
        activity.save(update_fields=["state", "updated_at"])
        audit_record(
            actor=actor, action="activity.report", object_type="activity",
            object_id=activity.pk, summary={"code": activity.code},
        )  # fmt: skip
        _notify(
            _liaisons_of(_nominating_partners(activity, SEAT_STATES)),
            f"After-action report available: {activity.code} {activity.title}",
            f"/activities/{activity.pk}/",
        )
    return report


def notification_mark_read(*, actor: Actor, notification_ids: list[int] | None = None) -> int:
    """Mark the actor's notifications (all, or the given ones) read; returns how many."""
    if actor.user is None:
        return 0
    qs = Notification.objects.filter(user=actor.user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
