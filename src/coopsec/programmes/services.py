"""Writes on interests, programmes, objectives, items and assessments. Each service
authorizes once, runs in one transaction, validates every field and reports every problem at
once, and records an audit event. Changes to an agreed programme are kept as revisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from coopsec.accounts.actor import Actor
from coopsec.activities.models import Activity, ActivityType, CooperationArea
from coopsec.audit.services import audit_record
from coopsec.errors import Forbidden, Invalid, NotFound
from coopsec.network import dates
from coopsec.programmes import access
from coopsec.programmes.models import (
    PRIORITY_MAX,
    Assessment,
    InterestPriority,
    InterestVersion,
    Objective,
    Programme,
    ProgrammeComment,
    ProgrammeItem,
    ProgrammeRevision,
    ProgrammeStatus,
    ProgrammeType,
    Rating,
    Side,
)
from coopsec.programmes.periods import parse_period
from coopsec.programmes.selectors import (
    interest_areas,
    objective_evidence,
    partner_get,
    programme_snapshot,
)

# Cycles longer than this are not individual programmes (NATO's run two to four years).
MAX_CYCLE_YEARS = 6
MAX_PLANNED_SEATS = 50

# --- interests ------------------------------------------------------------------------------


def interests_record(
    *, actor: Actor, partner_code: str, side: str, areas: dict[str, Any], note: str = ""
) -> InterestVersion:
    """Record one side's whole priority vector for a partner as a new version.

    `areas` maps area codes to priorities 0-5; areas it does not name are recorded as 0, so a
    version always states every area. Raises NotFound (partner), Forbidden, Invalid (an
    unknown or group area, a priority outside 0-5, an unknown side).
    """
    if side not in Side.values:
        raise Invalid(
            f"'{side}' is not a side; use 'partner' or 'alliance'.", details={"side": side}
        )
    partner = partner_get(actor=actor, code=partner_code)
    if not access.can_record_interests(actor, partner, side):
        who = "the partner's liaisons" if side == Side.PARTNER else "coordinators"
        raise Forbidden(f"The {side} side of {partner.code}'s interests is recorded by {who}.")
    leaves = {area.code: area for area in interest_areas()}
    errors: dict[str, str] = {}
    values: dict[str, int] = {}
    for code, priority in areas.items():
        area = leaves.get(str(code).strip().lower())
        if area is None:
            group = CooperationArea.objects.filter(code__iexact=str(code).strip()).first()
            errors[f"areas.{code}"] = (
                f"'{code}' is a group of areas; give priorities to its areas."
                if group is not None
                else f"No cooperation area '{code}'."
            )
        elif isinstance(priority, bool) or not isinstance(priority, int):
            errors[f"areas.{code}"] = f"A priority is a whole number 0-{PRIORITY_MAX}."
        elif not 0 <= priority <= PRIORITY_MAX:
            errors[f"areas.{code}"] = f"{priority} is outside 0-{PRIORITY_MAX}."
        else:
            values[area.code] = priority
    if len(note) > 300:
        errors["note"] = "At most 300 characters."
    if errors:
        raise Invalid(f"The {side} interests of {partner.code} cannot be recorded.", details=errors)
    with transaction.atomic():
        last = (
            InterestVersion.objects.select_for_update()
            .filter(partner=partner, side=side)
            .aggregate(n=Max("number"))["n"]
        )
        version = InterestVersion.objects.create(
            partner=partner, side=side, number=(last or 0) + 1, recorded_on=dates.today(),
            recorded_by=actor.user, note=note.strip(),
        )  # fmt: skip
        InterestPriority.objects.bulk_create(
            InterestPriority(version=version, area=area, priority=values.get(code, 0))
            for code, area in leaves.items()
        )
        audit_record(
            actor=actor, action="interests.record", object_type="interest_version",
            object_id=version.pk,
            summary={"partner": partner.code, "side": side, "version": version.number,
                     "areas": {k: v for k, v in sorted(values.items()) if v}},
        )  # fmt: skip
    return version


# --- programmes -----------------------------------------------------------------------------


@dataclass
class ProgrammeInput:
    type: str
    cycle_start: int
    cycle_end: int
    title: str = ""


def _check_programme(data: ProgrammeInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.type not in ProgrammeType.values:
        errors["type"] = f"'{data.type}' is not a programme type; use {', '.join(ProgrammeType)}."
    for name in ("cycle_start", "cycle_end"):
        year = getattr(data, name)
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            errors[name] = "A year between 2000 and 2100."
    years_ok = "cycle_start" not in errors and "cycle_end" not in errors
    if years_ok and data.cycle_end < data.cycle_start:
        errors["cycle_end"] = f"The cycle ends ({data.cycle_end}) before it starts."
    elif years_ok and data.cycle_end - data.cycle_start + 1 > MAX_CYCLE_YEARS:
        errors["cycle_end"] = f"A cycle spans at most {MAX_CYCLE_YEARS} years."
    if len(data.title) > 200:
        errors["title"] = "At most 200 characters."
    return errors


def programme_create(*, actor: Actor, data: ProgrammeInput) -> Programme:
    """A liaison starts a draft programme for its partner. Raises Forbidden, Invalid (bad
    fields, or the partner already has a programme being prepared)."""
    if not access.can_create_programme(actor):
        raise Forbidden("A partner's liaison starts its partner's programme.")
    errors = _check_programme(data)
    if errors:
        raise Invalid("The programme cannot be created.", details=errors)
    partner = actor.organization
    assert partner is not None
    with transaction.atomic():
        open_one = Programme.objects.filter(
            partner=partner, status__in=[ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED]
        ).first()
        if open_one is not None:
            raise Invalid(
                f"{partner.code} already has a programme in preparation "
                f"({open_one.type} {open_one.cycle_start}-{open_one.cycle_end}, "
                f"{open_one.status}); finish or change that one.",
                details={"programme": open_one.pk},
            )
        programme = Programme.objects.create(
            partner=partner, type=data.type, cycle_start=data.cycle_start,
            cycle_end=data.cycle_end, title=data.title.strip(), created_by=actor.user,
        )  # fmt: skip
        audit_record(
            actor=actor, action="programme.create", object_type="programme",
            object_id=programme.pk,
            summary={"partner": partner.code, "type": data.type,
                     "cycle": f"{data.cycle_start}-{data.cycle_end}"},
        )  # fmt: skip
    return programme


def _lock_programme(actor: Actor, programme_id: int) -> Programme:
    programme = (
        Programme.objects.visible_to(actor)
        .select_for_update()
        .select_related("partner")
        .filter(pk=programme_id)
        .first()
    )
    if programme is None:
        raise NotFound(f"No programme #{programme_id}.")
    return programme


def _require_edit(actor: Actor, programme: Programme) -> None:
    if access.can_edit_programme(actor, programme):
        return
    if programme.status == ProgrammeStatus.SUPERSEDED:
        raise Forbidden("A superseded programme cannot change.")
    if programme.status == ProgrammeStatus.DRAFT:
        raise Forbidden("A draft is edited by the partner's liaisons until it is submitted.")
    if programme.status == ProgrammeStatus.SUBMITTED:
        raise Forbidden("A submitted programme is with the coordinators; it cannot change now.")
    raise Forbidden("Only the partner's liaisons and coordinators change a programme.")


def _record_revision(actor: Actor, programme: Programme, event: str, note: str = "") -> int:
    number = (programme.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    ProgrammeRevision.objects.create(
        programme=programme, number=number, event=event, author=actor.user,
        snapshot=programme_snapshot(programme), note=note[:300],
    )  # fmt: skip
    return number


def _changed(actor: Actor, programme: Programme, action: str, summary: dict[str, Any]) -> None:
    """After any change: touch the programme, keep a revision if it was agreed, audit."""
    programme.updated_at = timezone.now()
    programme.save(update_fields=["updated_at"])
    if programme.status == ProgrammeStatus.AGREED:
        summary["revision"] = _record_revision(actor, programme, "amended", action)
    audit_record(
        actor=actor, action=action, object_type="programme", object_id=programme.pk,
        summary={"partner": programme.partner.code, **summary},
    )  # fmt: skip


def programme_update(*, actor: Actor, programme_id: int, data: ProgrammeInput) -> Programme:
    """Change a programme's type, cycle or title. Raises NotFound, Forbidden, Invalid."""
    errors = _check_programme(data)
    if errors:
        raise Invalid("The programme cannot be changed.", details=errors)
    with transaction.atomic():
        programme = _lock_programme(actor, programme_id)
        _require_edit(actor, programme)
        outside = programme.items.exclude(year__range=(data.cycle_start, data.cycle_end))
        if outside.exists():
            years = sorted(set(outside.values_list("year", flat=True)))
            raise Invalid(
                "Planned activities fall outside the new cycle.",
                details={"cycle_start": f"items are planned in {', '.join(map(str, years))}"},
            )
        programme.type, programme.title = data.type, data.title.strip()
        programme.cycle_start, programme.cycle_end = data.cycle_start, data.cycle_end
        programme.save(update_fields=["type", "title", "cycle_start", "cycle_end"])
        _changed(actor, programme, "programme.update", {"type": data.type})
    return programme


def programme_submit(*, actor: Actor, programme_id: int) -> Programme:
    """The partner submits its draft for agreement. Raises NotFound, Forbidden, Invalid (not a
    draft, no objective, an objective without a planned activity)."""
    with transaction.atomic():
        programme = _lock_programme(actor, programme_id)
        if not access.can_submit_programme(actor, programme):
            raise Forbidden("The partner's liaisons submit its programme.")
        if programme.status != ProgrammeStatus.DRAFT:
            raise Invalid(
                f"The programme is {programme.status}; only a draft is submitted.",
                details={"status": programme.status},
            )
        objectives = list(programme.objectives.all())
        errors: dict[str, str] = {}
        if not objectives:
            errors["objectives"] = "State at least one objective."
        bare = [o.title for o in objectives if not o.items.exists()]
        if bare:
            errors["items"] = "Plan at least one activity for: " + "; ".join(bare)
        if errors:
            raise Invalid("The programme is not ready to submit.", details=errors)
        programme.status = ProgrammeStatus.SUBMITTED
        programme.submitted_by, programme.submitted_at = actor.user, timezone.now()
        programme.save(update_fields=["status", "submitted_by", "submitted_at"])
        number = _record_revision(actor, programme, "submitted")
        audit_record(
            actor=actor, action="programme.submit", object_type="programme",
            object_id=programme.pk,
            summary={"partner": programme.partner.code, "revision": number},
        )  # fmt: skip
    return programme


def programme_return(*, actor: Actor, programme_id: int, comment: str) -> Programme:
    """A coordinator sends a submitted programme back to the partner with a comment.
    Raises NotFound, Forbidden, Invalid (not submitted, no comment)."""
    if not comment.strip():
        raise Invalid("Say why the programme goes back.", details={"comment": "required"})
    with transaction.atomic():
        programme = _lock_programme(actor, programme_id)
        if not access.can_review_programme(actor, programme):
            raise Forbidden("Coordinators return programmes to partners.")
        if programme.status != ProgrammeStatus.SUBMITTED:
            raise Invalid(
                f"The programme is {programme.status}; only a submitted one goes back.",
                details={"status": programme.status},
            )
        programme.status = ProgrammeStatus.DRAFT
        programme.save(update_fields=["status"])
        ProgrammeComment.objects.create(
            programme=programme, author=actor.user, side=Side.ALLIANCE, text=comment.strip()
        )
        audit_record(
            actor=actor, action="programme.return", object_type="programme",
            object_id=programme.pk, summary={"partner": programme.partner.code},
        )  # fmt: skip
    return programme


def programme_agree(*, actor: Actor, programme_id: int, note: str = "") -> Programme:
    """A coordinator agrees a submitted programme: its objectives become agreed and the
    partner's previously agreed programme is superseded. Raises NotFound, Forbidden, Invalid."""
    with transaction.atomic():
        programme = _lock_programme(actor, programme_id)
        if not access.can_review_programme(actor, programme):
            raise Forbidden("Coordinators agree programmes.")
        if programme.status != ProgrammeStatus.SUBMITTED:
            raise Invalid(
                f"The programme is {programme.status}; only a submitted one is agreed.",
                details={"status": programme.status},
            )
        now = timezone.now()
        previous = list(
            Programme.objects.select_for_update().filter(
                partner=programme.partner, status=ProgrammeStatus.AGREED
            )
        )
        for old in previous:
            old.status, old.superseded_at = ProgrammeStatus.SUPERSEDED, now
            old.save(update_fields=["status", "superseded_at"])
        programme.objectives.update(agreed=True)
        programme.status = ProgrammeStatus.AGREED
        programme.agreed_by, programme.agreed_at = actor.user, now
        programme.save(update_fields=["status", "agreed_by", "agreed_at"])
        number = _record_revision(actor, programme, "agreed", note)
        audit_record(
            actor=actor, action="programme.agree", object_type="programme",
            object_id=programme.pk,
            summary={"partner": programme.partner.code, "revision": number,
                     "superseded": [p.pk for p in previous]},
        )  # fmt: skip
    return programme


def programme_comment(*, actor: Actor, programme_id: int, text: str) -> ProgrammeComment:
    """Either side remarks on a programme. Raises NotFound, Forbidden, Invalid (empty)."""
    if not text.strip():
        raise Invalid("The comment is empty.", details={"text": "required"})
    if len(text) > 5000:
        raise Invalid("The comment is too long.", details={"text": "at most 5000 characters"})
    with transaction.atomic():
        programme = _lock_programme(actor, programme_id)
        if not access.can_comment_programme(actor, programme):
            raise Forbidden("Only the partner's liaisons and coordinators comment.")
        comment = ProgrammeComment.objects.create(
            programme=programme, author=actor.user, text=text.strip(),
            side=access.assessing_side(actor, programme),
        )  # fmt: skip
        audit_record(
            actor=actor, action="programme.comment", object_type="programme",
            object_id=programme.pk, summary={"partner": programme.partner.code},
        )  # fmt: skip
    return comment


# --- objectives -----------------------------------------------------------------------------


@dataclass
class ObjectiveInput:
    title: str
    area: str
    indicator: str
    target: str
    target_date: date
    baseline: str = ""
    agreed: bool | None = None  # coordinators may agree one objective after the programme


def _resolve_objective(
    programme: Programme, data: ObjectiveInput
) -> tuple[CooperationArea | None, dict[str, str]]:
    errors: dict[str, str] = {}
    for name, limit in (("title", 250), ("indicator", 300), ("target", 200), ("baseline", 200)):
        value = getattr(data, name).strip()
        if name != "baseline" and not value:
            errors[name] = "Required."
        elif len(value) > limit:
            errors[name] = f"At most {limit} characters."
    area = CooperationArea.objects.filter(code__iexact=data.area.strip()).first()
    if area is None:
        errors["area"] = f"No cooperation area '{data.area}'."
    if not isinstance(data.target_date, date):
        errors["target_date"] = "A date (YYYY-MM-DD)."
    elif not programme.cycle_start <= data.target_date.year <= programme.cycle_end + 1:
        errors["target_date"] = (
            f"{data.target_date} is outside the cycle {programme.cycle_start}-"
            f"{programme.cycle_end} (targets may fall in the year after it)."
        )
    return area, errors


def _may_agree(actor: Actor, programme: Programme, agreed: bool | None) -> None:
    if agreed is not None and not access.can_review_programme(actor, programme):
        raise Forbidden("Coordinators mark objectives as agreed.")


def objective_add(*, actor: Actor, programme_id: int, data: ObjectiveInput) -> Objective:
    """Add an objective. Raises NotFound, Forbidden, Invalid."""
    with transaction.atomic():
        programme = _lock_programme(actor, programme_id)
        _require_edit(actor, programme)
        _may_agree(actor, programme, data.agreed)
        area, errors = _resolve_objective(programme, data)
        if errors:
            raise Invalid("The objective cannot be added.", details=errors)
        assert area is not None
        position = (programme.objectives.aggregate(n=Max("position"))["n"] or 0) + 1
        objective = Objective.objects.create(
            programme=programme, title=data.title.strip(), area=area,
            indicator=data.indicator.strip(), baseline=data.baseline.strip(),
            target=data.target.strip(), target_date=data.target_date,
            proposed_by=access.assessing_side(actor, programme),
            agreed=bool(data.agreed), position=position,
        )  # fmt: skip
        _changed(actor, programme, "objective.add", {"objective": objective.pk})
    return objective


def _lock_objective(actor: Actor, objective_id: int) -> tuple[Objective, Programme]:
    objective = Objective.objects.visible_to(actor).filter(pk=objective_id).first()
    if objective is None:
        raise NotFound(f"No objective #{objective_id}.")
    return objective, _lock_programme(actor, objective.programme_id)


def objective_update(*, actor: Actor, objective_id: int, data: ObjectiveInput) -> Objective:
    """Change an objective. A partner's change to an agreed objective makes it unagreed
    until a coordinator agrees it again. Raises NotFound, Forbidden, Invalid."""
    with transaction.atomic():
        objective, programme = _lock_objective(actor, objective_id)
        _require_edit(actor, programme)
        _may_agree(actor, programme, data.agreed)
        area, errors = _resolve_objective(programme, data)
        if errors:
            raise Invalid("The objective cannot be changed.", details=errors)
        assert area is not None
        objective.title, objective.area = data.title.strip(), area
        objective.indicator, objective.baseline = data.indicator.strip(), data.baseline.strip()
        objective.target, objective.target_date = data.target.strip(), data.target_date
        if data.agreed is not None:
            objective.agreed = data.agreed
        elif programme.status == ProgrammeStatus.AGREED and access.is_partner_liaison(
            actor, programme.partner_id
        ):
            objective.agreed = False
        objective.save()
        _changed(actor, programme, "objective.update", {"objective": objective.pk})
    return objective


def objective_remove(*, actor: Actor, objective_id: int) -> None:
    """Remove an objective and its planned activities. Raises NotFound, Forbidden, Invalid
    (it has assessments)."""
    with transaction.atomic():
        objective, programme = _lock_objective(actor, objective_id)
        _require_edit(actor, programme)
        if objective.assessments.exists():
            raise Invalid(
                "The objective has been assessed; it stays on record.",
                details={"objective": "assessed"},
            )
        title = objective.title
        objective.delete()
        _changed(actor, programme, "objective.remove", {"objective": objective_id, "title": title})


# --- planned activities ---------------------------------------------------------------------


@dataclass
class ItemInput:
    objective: int
    activity: int | None = None  # a menu activity, or else:
    area: str = ""  # an area, activity type and year
    activity_type: str = ""
    year: int | None = None
    planned_seats: int = 1
    note: str = ""


def _resolve_item(
    actor: Actor, programme: Programme, data: ItemInput
) -> tuple[dict[str, Any], dict[str, str]]:
    from coopsec.activities.selectors import activity_get

    errors: dict[str, str] = {}
    fields: dict[str, Any] = {"note": data.note.strip(), "planned_seats": data.planned_seats}
    objective = programme.objectives.filter(pk=data.objective).first()
    if objective is None:
        errors["objective"] = f"No objective #{data.objective} in this programme."
    fields["objective"] = objective
    if data.activity is not None:
        try:
            activity: Activity | None = activity_get(actor=actor, activity_id=data.activity)
        except NotFound:
            activity = None
            errors["activity"] = f"No activity #{data.activity} on the menu."
        if activity is not None:
            fields.update(activity=activity, area=activity.primary_area, year=activity.start.year)
            fields["activity_type"] = activity.type
    else:
        area = CooperationArea.objects.filter(code__iexact=data.area.strip()).first()
        if area is None:
            errors["area"] = (
                f"No cooperation area '{data.area}'."
                if data.area.strip()
                else "Name a menu activity, or an area, type and year."
            )
        if data.activity_type and data.activity_type not in ActivityType.values:
            errors["activity_type"] = f"'{data.activity_type}' is not an activity type."
        if data.year is None:
            errors["year"] = "The year it is planned for."
        fields.update(activity=None, area=area, activity_type=data.activity_type,
                      year=data.year)  # fmt: skip
    year = fields.get("year")
    if isinstance(year, int) and year not in programme.years:
        errors["activity" if data.activity is not None else "year"] = (
            f"{year} is outside the cycle {programme.cycle_start}-{programme.cycle_end}."
        )
    seats = data.planned_seats
    if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= MAX_PLANNED_SEATS:
        errors["planned_seats"] = f"From 1 to {MAX_PLANNED_SEATS}."
    if len(fields["note"]) > 300:
        errors["note"] = "At most 300 characters."
    return fields, errors


def item_add(*, actor: Actor, programme_id: int, data: ItemInput) -> ProgrammeItem:
    """Plan an activity for an objective. Raises NotFound, Forbidden, Invalid."""
    with transaction.atomic():
        programme = _lock_programme(actor, programme_id)
        _require_edit(actor, programme)
        fields, errors = _resolve_item(actor, programme, data)
        if errors:
            raise Invalid("The planned activity cannot be added.", details=errors)
        item = ProgrammeItem.objects.create(programme=programme, **fields)
        _changed(actor, programme, "programme_item.add", {"item": item.pk})
    return item


def _lock_item(actor: Actor, item_id: int) -> tuple[ProgrammeItem, Programme]:
    from coopsec.programmes.access import partner_scoped

    item = partner_scoped(actor, ProgrammeItem.objects.all(), "programme__partner_id")
    found = item.filter(pk=item_id).first()
    if found is None:
        raise NotFound(f"No planned activity #{item_id}.")
    return found, _lock_programme(actor, found.programme_id)


def item_update(*, actor: Actor, item_id: int, data: ItemInput) -> ProgrammeItem:
    """Change a planned activity. Raises NotFound, Forbidden, Invalid."""
    with transaction.atomic():
        item, programme = _lock_item(actor, item_id)
        _require_edit(actor, programme)
        fields, errors = _resolve_item(actor, programme, data)
        if errors:
            raise Invalid("The planned activity cannot be changed.", details=errors)
        for name, value in fields.items():
            setattr(item, name, value)
        item.save()
        _changed(actor, programme, "programme_item.update", {"item": item.pk})
    return item


def item_remove(*, actor: Actor, item_id: int) -> None:
    """Remove a planned activity; nominations that named it keep their seats. Raises
    NotFound, Forbidden."""
    with transaction.atomic():
        item, programme = _lock_item(actor, item_id)
        _require_edit(actor, programme)
        item.delete()
        _changed(actor, programme, "programme_item.remove", {"item": item_id})


# --- assessments ----------------------------------------------------------------------------


@dataclass
class AssessmentInput:
    objective: int
    period: str
    rating: str
    narrative: str = ""


def assessment_record(*, actor: Actor, data: AssessmentInput) -> tuple[Assessment, bool]:
    """Rate an objective's progress for a period, with the evidence on record now attached.
    One assessment per objective, period and side: a second one replaces the first. Returns
    (assessment, created). Raises NotFound, Forbidden, Invalid."""
    errors: dict[str, str] = {}
    try:
        period = parse_period(data.period)
    except ValueError as exc:
        errors["period"] = str(exc)
    if data.rating not in Rating.values:
        errors["rating"] = f"'{data.rating}' is not a rating; use {', '.join(Rating.values)}."
    if len(data.narrative) > 10000:
        errors["narrative"] = "At most 10,000 characters."
    objective = Objective.objects.visible_to(actor).filter(pk=data.objective).first()
    if objective is None:
        raise NotFound(f"No objective #{data.objective}.")
    if errors:
        raise Invalid("The assessment cannot be recorded.", details=errors)
    with transaction.atomic():
        programme = _lock_programme(actor, objective.programme_id)
        if not access.can_assess_programme(actor, programme):
            raise Forbidden("The partner's liaisons and coordinators assess objectives.")
        if programme.status not in (ProgrammeStatus.AGREED, ProgrammeStatus.SUPERSEDED):
            raise Invalid(
                f"The programme is {programme.status}; objectives are assessed once agreed.",
                details={"status": programme.status},
            )
        if period.start.year > programme.cycle_end + 1 or period.end.year < programme.cycle_start:
            raise Invalid(
                f"{period.label} is outside the cycle {programme.cycle_start}-"
                f"{programme.cycle_end}.",
                details={"period": period.label},
            )
        side = access.assessing_side(actor, programme)
        evidence = objective_evidence(objective=objective, start=period.start, end=period.end)
        try:
            with transaction.atomic():
                assessment, created = Assessment.objects.update_or_create(
                    objective=objective, period=period.label, side=side,
                    defaults={
                        "period_start": period.start, "period_end": period.end,
                        "rating": data.rating, "narrative": data.narrative.strip(),
                        "evidence": evidence.as_json(), "assessed_by": actor.user,
                        "assessed_at": timezone.now(),
                    },
                )  # fmt: skip
        except IntegrityError as exc:  # a concurrent first assessment of the same period
            raise Invalid("The period was assessed meanwhile; try again.") from exc
        audit_record(
            actor=actor, action="assessment.record", object_type="assessment",
            object_id=assessment.pk,
            summary={"partner": programme.partner.code, "objective": objective.pk,
                     "period": period.label, "side": side, "rating": data.rating,
                     "created": created},
        )  # fmt: skip
    return assessment, created
