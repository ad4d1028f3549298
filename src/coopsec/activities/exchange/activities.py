"""Activities in the documented column layout (docs/spreadsheets.md): import through
`activity_create` / `activity_update`, export through the menu's selector."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.utils import translation
from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.activities import selectors, services
from coopsec.activities.exchange.importing import (
    StandIn,
    finish,
    run_rows,
    service_problems,
    visible_activities,
)
from coopsec.activities.exchange.sheets import (
    FORMATS,
    LIST_SEPARATOR,
    Cells,
    ImportReport,
    SheetRow,
    cell_text,
    is_blank,
    read_sheet,
    write_csv,
    write_xlsx,
)
from coopsec.activities.models import (
    Activity,
    ActivityState,
    ActivityType,
    Clearance,
    Eligibility,
    Mode,
    Nature,
)
from coopsec.activities.selectors import ActivityFilters
from coopsec.errors import Forbidden, Invalid, NotFound
from coopsec.network.selectors import framework_list, organization_list

ACTIVITY_COLUMNS: tuple[str, ...] = (
    "code", "title", "title_fr", "type", "host", "primary_area", "secondary_areas", "start",
    "end", "country", "city", "online", "language", "seats", "per_partner_cap", "eligibility",
    "eligible", "mode", "clearance", "nature", "tuition_cost", "accommodation_cost",
    "registration_deadline", "state", "references", "description", "description_fr",
)  # fmt: skip
# Columns a row needs to create an activity; a file without them can still update by code.
CREATE_COLUMNS: tuple[str, ...] = (
    "title", "type", "host", "primary_area", "start", "end", "seats",
)  # fmt: skip
# Service fields whose column has another name.
_FIELD_COLUMNS = {"eligible_frameworks": "eligible", "eligible_organizations": "eligible"}
# Problems a broken date would cause in other columns; the date's own problem says enough.
_DATE_CONSEQUENCES = {"start": {"end", "registration_deadline"}, "end": {"end"}}
_COLUMN_WIDTHS = {
    "code": 14, "title": 42, "title_fr": 42, "type": 16, "host": 18, "primary_area": 22,
    "secondary_areas": 30, "start": 12, "end": 12, "country": 10, "city": 16, "online": 8,
    "language": 10, "seats": 7, "per_partner_cap": 16, "eligibility": 14, "eligible": 24,
    "mode": 10, "clearance": 12, "nature": 10, "tuition_cost": 13, "accommodation_cost": 19,
    "registration_deadline": 22, "state": 11, "references": 28, "description": 60,
    "description_fr": 60,
}  # fmt: skip


class _Names:
    """Organizations, areas, frameworks and choices under every name a sheet may use, read
    once per import: a 10,000-row file asks the database about each name only once."""

    def __init__(self, actor: Actor):
        self.organizations: dict[str, str] = {}
        # Lowest precedence first: a code wins over an ISO code, which wins over a name.
        organizations = list(organization_list(actor=actor))
        for attribute in ("name", "iso3", "code"):
            for org in organizations:
                key = getattr(org, attribute)
                if key:
                    self.organizations[key.strip().lower()] = org.code
        self.areas: dict[str, str] = {}
        areas = list(selectors.area_list(actor=actor))
        for attribute in ("name_fr", "name", "code"):
            for area in areas:
                key = getattr(area, attribute)
                if key:
                    self.areas[key.strip().lower()] = area.code
        self.frameworks: dict[str, str] = {}
        frameworks = list(framework_list(actor=actor))
        for attribute in ("name", "code"):
            for framework in frameworks:
                self.frameworks[getattr(framework, attribute).strip().lower()] = framework.code
        self.choices: dict[type[TextChoices], dict[str, str]] = {
            kind: _choice_names(kind)
            for kind in (ActivityType, Eligibility, Mode, Clearance, Nature, ActivityState)
        }

    @staticmethod
    def _code(table: dict[str, str], value: str) -> str:
        # An unknown name goes on as written: the service names it in its error.
        return table.get(value.strip().lower(), value.strip())

    def organization(self, value: str) -> str:
        return self._code(self.organizations, value) if value else ""

    def area(self, value: str) -> str:
        return self._code(self.areas, value) if value else ""

    def framework(self, value: str) -> str:
        return self._code(self.frameworks, value)

    def choice(self, kind: type[TextChoices], value: str) -> str:
        return self._code(self.choices[kind], value)


def _choice_names(kind: type[TextChoices]) -> dict[str, str]:
    """A choice by its value or its label in English or French ("Mobile training team")."""
    names: dict[str, str] = {}
    for language in ("fr", "en"):
        with translation.override(language):
            for value, label in kind.choices:
                names[str(label).lower()] = value
    for value in kind.values:
        names[value] = value
        names[value.replace("_", " ")] = value
        names[value.replace("_", "-")] = value
    return names


# --- activities: rows <-> ActivityInput ----------------------------------------------------


def _references_text(references: dict[str, str]) -> str:
    return f"{LIST_SEPARATOR} ".join(f"{s}:{r}" for s, r in sorted(references.items()))


def activity_input_of(activity: Activity) -> services.ActivityInput:
    """The activity as the input that would produce it, with codes for every name (needs
    the relations prefetched to stay at one query per batch)."""
    eligible_frameworks = sorted(f.code for f in activity.eligible_frameworks.all())
    eligible_organizations = sorted(o.code for o in activity.eligible_organizations.all())
    return services.ActivityInput(
        code=activity.code,
        title=activity.title,
        title_fr=activity.title_fr,
        type=activity.type,
        host=activity.host.code,
        primary_area=activity.primary_area.code,
        secondary_areas=sorted(a.code for a in activity.secondary_areas.all()),
        start=activity.start,
        end=activity.end,
        country=activity.country.code if activity.country else "",
        city=activity.city,
        online=activity.online,
        language=activity.language,
        seats=activity.seats,
        per_partner_cap=activity.per_partner_cap,
        eligibility=activity.eligibility,
        eligible_frameworks=eligible_frameworks,
        eligible_organizations=eligible_organizations,
        mode=activity.mode,
        clearance=activity.clearance,
        nature=activity.nature,
        tuition_cost=activity.tuition_cost,
        accommodation_cost=activity.accommodation_cost,
        registration_deadline=activity.registration_deadline,
        references={r.system: r.reference for r in activity.references.all()},
        description=activity.description,
        description_fr=activity.description_fr,
        synthetic=activity.synthetic,
    )


def _money(value: object) -> Decimal | object:
    try:
        return Decimal(str(value or 0)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return value


def _prose(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _comparable(data: services.ActivityInput) -> tuple[object, ...]:
    """What an import may change, in a form where equal means "nothing to do"."""
    return (
        data.title.strip(), data.title_fr.strip(), data.type, data.host, data.primary_area,
        frozenset(data.secondary_areas), data.start, data.end, data.country, data.city.strip(),
        data.online, data.language.strip() or "en", data.seats, data.per_partner_cap,
        data.eligibility, frozenset(data.eligible_frameworks),
        frozenset(data.eligible_organizations), data.mode, data.clearance, data.nature,
        _money(data.tuition_cost), _money(data.accommodation_cost), data.registration_deadline,
        _prose(data.description), _prose(data.description_fr),
    )  # fmt: skip


def _unchanged(current: services.ActivityInput, data: services.ActivityInput) -> bool:
    # References are added or changed by an import, never removed (see docs/spreadsheets.md).
    same_references = all(current.references.get(s) == r for s, r in data.references.items())
    return same_references and _comparable(current) == _comparable(data)


def _activity_input(
    cells: Cells, names: _Names, current: services.ActivityInput | None
) -> services.ActivityInput:
    """The row as an ActivityInput. Columns the file lacks keep the activity's current values
    (or the defaults, for a new one); a cell that does not convert is reported and replaced
    by a stand-in, so that the services can still report the row's other problems."""
    base = current or services.ActivityInput(
        title="", type="", host="", primary_area="", start=date.min, end=date.min, seats=1
    )
    values: dict[str, Any] = dict(base.__dict__)
    has = cells.has
    for name in ("code", "title", "title_fr", "city", "language", "description",
                 "description_fr"):  # fmt: skip
        if has(name):
            values[name] = cells.text(name)
    for name, kind in (("type", ActivityType), ("eligibility", Eligibility), ("mode", Mode),
                       ("clearance", Clearance), ("nature", Nature)):  # fmt: skip
        if has(name):
            values[name] = names.choice(kind, cells.text(name))
    if not values["eligibility"]:
        values["eligibility"] = Eligibility.ALL_PARTNERS
    for name, default in (("mode", Mode.FCFS), ("clearance", Clearance.NONE),
                          ("nature", Nature.MILITARY)):  # fmt: skip
        values[name] = values[name] or default
    for name in CREATE_COLUMNS:
        if has(name) and is_blank(cells.row.cells.get(name)):
            cells.fail(name, _("A value is required."))
    if has("host"):
        values["host"] = names.organization(cells.text("host"))
    if has("country"):
        values["country"] = names.organization(cells.text("country"))
    if has("primary_area"):
        values["primary_area"] = names.area(cells.text("primary_area"))
    if has("secondary_areas"):
        values["secondary_areas"] = [names.area(v) for v in cells.items("secondary_areas")]
    for name in ("start", "end", "registration_deadline"):
        if has(name):
            values[name] = cells.date(name)
    # Stand-ins for dates that are missing or did not convert; their problems are reported.
    known = values["start"] or values["end"]
    values["start"] = values["start"] or known or date.min
    values["end"] = values["end"] or known or date.min
    if has("seats"):
        seats = cells.whole("seats")
        values["seats"] = seats if seats is not None else 1
    if has("per_partner_cap"):
        values["per_partner_cap"] = cells.whole("per_partner_cap")
    if has("online"):
        values["online"] = cells.flag("online")
    for name in ("tuition_cost", "accommodation_cost"):
        if has(name):
            values[name] = cells.amount(name) or Decimal(0)
    if has("eligible"):
        eligible = cells.items("eligible")
        values["eligible_frameworks"], values["eligible_organizations"] = [], []
        if values["eligibility"] == Eligibility.FRAMEWORKS:
            values["eligible_frameworks"] = [names.framework(v) for v in eligible]
        elif values["eligibility"] == Eligibility.ORGANIZATIONS:
            values["eligible_organizations"] = [names.organization(v) for v in eligible]
        elif eligible and values["eligibility"] == Eligibility.ALL_PARTNERS:
            cells.fail(
                "eligible",
                _("An activity open to all partners lists no one; leave “eligible” empty."),
            )
    elif has("eligibility"):
        if values["eligibility"] != Eligibility.FRAMEWORKS:
            values["eligible_frameworks"] = []
        if values["eligibility"] != Eligibility.ORGANIZATIONS:
            values["eligible_organizations"] = []
    if has("references"):
        values["references"] = _parse_references(cells)
    if has("state"):
        state = cells.text("state")
        if state and names.choice(ActivityState, state) not in ActivityState.values:
            cells.fail(
                "state",
                _("“%(value)s” is not a state; states are %(states)s.")
                % {"value": state, "states": ", ".join(ActivityState.values)},
            )
    return services.ActivityInput(**values)


def _parse_references(cells: Cells) -> dict[str, str]:
    references: dict[str, str] = {}
    for item in cells.items("references"):
        system, separator, reference = item.partition(":")
        if not separator or not system.strip() or not reference.strip():
            cells.fail(
                "references",
                _("“%(value)s” is not a reference; write system:reference, e.g. eprime:12345.")
                % {"value": item},
            )
            continue
        references[system.strip()] = reference.strip()
    return references


def import_activities(
    *,
    actor: Actor,
    file: str,
    content: bytes,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create or update activities from a .csv or .xlsx file, as `actor`.

    A row whose code names an activity updates it (through `activity_update`) when anything
    differs and is counted unchanged otherwise; any other row creates one (`activity_create`).
    Nothing is written unless every row is valid, or with `skip_invalid` only the valid
    rows; a dry run writes nothing. Problems are in the report, never raised.
    """
    report = ImportReport(file=file, kind="activities", dry_run=dry_run, skip_invalid=skip_invalid)
    rows = read_sheet(
        report, content, columns=ACTIVITY_COLUMNS, required=(), sheet_name="activities"
    )
    if rows is None:
        return report
    names = _Names(actor)
    existing = visible_activities(
        actor, (code for row in rows if (code := cell_text(row.cells.get("code"))))
    )
    seen: dict[str, int] = {}

    def handle(row: SheetRow) -> None:
        cells = Cells(report, row)
        code = cells.text("code")
        if code and code in seen:
            reason = _("The code %(code)s is also in row %(row)s.")
            cells.fail("code", reason % {"code": code, "row": seen[code]})
            return
        if code:
            seen[code] = row.number
        activity = existing.get(code) if code else None
        current = activity_input_of(activity) if activity is not None else None
        if current is None:
            missing = [name for name in CREATE_COLUMNS if not cells.has(name)]
            if missing:
                columns = ", ".join(missing)
                if code:
                    reason = _("No activity %(code)s to update; creating one needs the columns "
                               "%(columns)s.") % {"code": code, "columns": columns}  # fmt: skip
                else:
                    reason = _("Creating an activity needs the columns %(columns)s.") % {
                        "columns": columns
                    }
                cells.fail("code", reason)
                return
        data = _activity_input(cells, names, current)
        if current is not None and not cells.failed and _unchanged(current, data):
            report.unchanged += 1
            return
        try:
            with transaction.atomic():
                if activity is not None:
                    services.activity_update(actor=actor, activity_id=activity.pk, data=data)
                else:
                    services.activity_create(actor=actor, data=data)
                if cells.failed:
                    raise StandIn
        except StandIn:
            return
        except (Invalid, Forbidden, NotFound, ValidationError) as exc:
            service_problems(
                report, cells, exc, columns=ACTIVITY_COLUMNS, renames=_FIELD_COLUMNS,
                default_column="code" if activity is not None else "host",
                consequences=_DATE_CONSEQUENCES,
            )  # fmt: skip
            return
        except IntegrityError as exc:
            cells.fail("", _("The row conflicts with the database (%(error)s).") % {"error": exc})
            return
        if activity is not None:
            report.updated += 1
        else:
            report.created += 1

    with services.names_cached(), transaction.atomic():
        run_rows(report, rows, handle, progress)
        finish(report, actor, "activity.import")
    return report


# --- export --------------------------------------------------------------------------------


def activity_row(activity: Activity) -> dict[str, object]:
    """One activity in the documented layout: codes for names, dates as dates."""
    data = activity_input_of(activity)
    eligible = (
        data.eligible_frameworks
        if data.eligibility == Eligibility.FRAMEWORKS
        else data.eligible_organizations
        if data.eligibility == Eligibility.ORGANIZATIONS
        else []
    )
    return {
        "code": data.code,
        "title": data.title,
        "title_fr": data.title_fr,
        "type": data.type,
        "host": data.host,
        "primary_area": data.primary_area,
        "secondary_areas": f"{LIST_SEPARATOR} ".join(data.secondary_areas),
        "start": data.start,
        "end": data.end,
        "country": data.country,
        "city": data.city,
        "online": "yes" if data.online else "no",
        "language": data.language,
        "seats": data.seats,
        "per_partner_cap": data.per_partner_cap,
        "eligibility": data.eligibility,
        "eligible": f"{LIST_SEPARATOR} ".join(eligible),
        "mode": data.mode,
        "clearance": data.clearance,
        "nature": data.nature,
        "tuition_cost": _money(data.tuition_cost),
        "accommodation_cost": _money(data.accommodation_cost),
        "registration_deadline": data.registration_deadline,
        "state": activity.state,
        "references": _references_text(data.references),
        "description": data.description,
        "description_fr": data.description_fr,
    }


def activity_rows(
    *, actor: Actor, filters: ActivityFilters | None = None
) -> Iterator[dict[str, object]]:
    """The activities the actor may see, filtered as the menu filters them, as rows.
    Raises NotFound for an unknown area or host code (from the selector)."""
    activities = selectors.activity_list(actor=actor, filters=filters).prefetch_related(
        "secondary_areas", "eligible_frameworks", "eligible_organizations", "references"
    )
    for activity in activities.iterator(chunk_size=1000):
        yield activity_row(activity)


def export_activities(*, actor: Actor, fmt: str, filters: ActivityFilters | None = None) -> bytes:
    """The activities the actor may see, filtered, as a .csv or .xlsx file's bytes.
    Raises Invalid for an unknown format, NotFound for an unknown area or host code."""
    if fmt not in FORMATS:
        raise Invalid(
            _("“%(format)s” is not a format; use csv or xlsx.") % {"format": fmt},
            details={"format": fmt},
        )
    rows = activity_rows(actor=actor, filters=filters)
    if fmt == "csv":
        return write_csv(rows, ACTIVITY_COLUMNS)
    return write_xlsx(rows, ACTIVITY_COLUMNS, sheet_name="activities", widths=_COLUMN_WIDTHS)
