"""The reference-data loader: shipped CSV files of public facts -> the network registry.

Two steps. `read_reference` parses and validates every file and returns plain records (no
database access); any bad row makes it raise `ReferenceDataError` listing every problem as
file, line, column and reason. `apply_reference` then writes the records in one transaction,
matching rows by natural key so that a second run creates and updates nothing.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.db import models, transaction

from coopsec.accounts.actor import Actor
from coopsec.audit.services import audit_record
from coopsec.errors import Forbidden
from coopsec.network.access import can_change_reference_data
from coopsec.network.dates import PartialDate, parse_partial
from coopsec.network.models import (
    Framework,
    FrameworkStatus,
    InstitutionSubtype,
    Membership,
    MembershipStatus,
    MembershipStatusPeriod,
    Operation,
    OperationContribution,
    OperationKind,
    Organization,
    OrganizationKind,
)

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"

# file name -> columns that must be present
REQUIRED_COLUMNS: dict[str, list[str]] = {
    "regions.csv": ["iso3", "name", "continent", "region", "source_url", "verified"],
    "alliance.csv": ["code", "name", "region", "source_url", "verified"],
    "allies.csv": ["name", "iso3", "accession_date", "source_url", "verified"],
    "frameworks.csv": ["code", "name", "established", "description", "status", "source_url"],
    "partner_memberships.csv": [
        "partner_name", "iso3", "framework_code", "joined", "left", "status", "source_url",
        "verified",
    ],
    "membership_status.csv": [
        "iso3", "framework_code", "membership_start", "status", "start", "end", "source_url",
        "verified",
    ],
    "international_organizations.csv": [
        "code", "name", "kind", "relationship_note", "region", "source_url", "verified",
    ],
    "centres_of_excellence.csv": [
        "code", "name", "short_name", "host_country_iso3", "location_city",
        "accreditation_year", "domain", "source_url", "verified",
    ],
    "ptecs.csv": ["code", "name", "country_iso3", "city", "source_url", "verified"],
    "operations.csv": ["code", "name", "start", "end", "kind", "source_url", "verified"],
    "operation_contributors.csv": [
        "operation_code", "partner_name", "iso3", "role_note", "source_url", "verified",
    ],
}  # fmt: skip


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        col = f" [{self.column}]" if self.column else ""
        return f"{where}{col}: {self.reason}"


class ReferenceDataError(Exception):
    """The reference files hold rows that cannot be loaded; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class Row:
    file: str
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


@dataclass
class Record:
    """One row to upsert: its natural key, its field values, and where it came from."""

    model: type[models.Model]
    key: dict[str, Any]
    fields: dict[str, Any]
    origin: Row


@dataclass
class ReferenceData:
    organizations: dict[str, Record] = field(default_factory=dict)  # by code
    frameworks: dict[str, Record] = field(default_factory=dict)
    memberships: list[Record] = field(default_factory=list)
    status_periods: list[Record] = field(default_factory=list)
    operations: dict[str, Record] = field(default_factory=dict)
    contributions: list[Record] = field(default_factory=list)


class _Reader:
    def __init__(self, directory: Path):
        self.directory = directory
        self.errors: list[RowError] = []

    def error(
        self, row: Row | None, column: str, reason: str, file: str = "", line: int = 0
    ) -> None:
        error = (
            RowError(file, line, column, reason)
            if row is None
            else RowError(row.file, row.line, column, reason)
        )
        # A column can be read twice (a state's `verified` flag feeds two records).
        if error not in self.errors:
            self.errors.append(error)

    def check_files(self) -> None:
        """Every file present, UTF-8, with its required columns (header = line 1).

        Checked before any row is read: rows of later files refer to earlier ones, so reading
        on would bury a structural problem under errors that are only its consequences.
        """
        for name, required in REQUIRED_COLUMNS.items():
            path = self.directory / name
            if not path.exists():
                self.error(None, "", "file is missing", file=name)
                continue
            try:
                text = path.read_text(encoding="utf-8-sig")
            except UnicodeDecodeError as exc:
                self.error(
                    None, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=name
                )
                continue
            header = next(csv.reader(text.splitlines()[:1]), [])
            missing = [c for c in required if c not in header]
            if missing:
                self.error(None, ", ".join(missing), "required column missing", file=name, line=1)

    def rows(self, name: str) -> Iterator[Row]:
        path = self.directory / name
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh)
                seen: dict[tuple[str, ...], int] = {}
                for values in reader:
                    row = Row(name, reader.line_num, values)
                    if None in values:
                        self.error(row, "", "more fields than the header has columns")
                        continue
                    if all(not (v or "").strip() for v in values.values()):
                        continue
                    signature = tuple((v or "").strip() for v in values.values())
                    if signature in seen:
                        self.error(row, "", f"duplicate of line {seen[signature]}")
                        continue
                    seen[signature] = row.line
                    yield row
        except csv.Error as exc:
            self.error(None, "", f"malformed CSV ({exc})", file=name)

    def required(self, row: Row, column: str) -> str:
        value = row[column]
        if not value:
            self.error(row, column, "value is required")
        return value

    def partial(self, row: Row, column: str, *, required: bool = True) -> PartialDate | None:
        value = row[column]
        if not value:
            if required:
                self.error(row, column, "date is required")
            return None
        try:
            return parse_partial(value)
        except ValueError as exc:
            self.error(row, column, str(exc))
            return None

    def flag(self, row: Row, column: str) -> bool:
        value = row[column].lower()
        if value in {"true", "yes", "1"}:
            return True
        if value in {"false", "no", "0", ""}:
            # An empty flag means "not confirmed": a fact is never promoted to verified.
            return False
        self.error(row, column, f"'{row[column]}' is not true or false")
        return False

    def iso3(self, row: Row, column: str) -> str:
        value = self.required(row, column).upper()
        if value and pycountry.countries.get(alpha_3=value) is None:
            self.error(row, column, f"'{value}' is not an ISO 3166-1 alpha-3 country code")
            return ""
        return value

    def choice(self, row: Row, column: str, allowed: list[str]) -> str:
        value = self.required(row, column)
        if value and value not in allowed:
            self.error(row, column, f"'{value}' is not one of {', '.join(allowed)}")
            return ""
        return value

    def period(
        self, row: Row, start: PartialDate | None, end: PartialDate | None, end_column: str
    ) -> None:
        if start and end and end.value < start.value:
            self.error(row, end_column, f"ends ({end}) before it starts ({start})")


def _sourced(reader: _Reader, row: Row, note_column: str = "note") -> dict[str, Any]:
    return {
        "source_url": row["source_url"],
        "verified": reader.flag(row, "verified"),
        "note": row[note_column],
    }


def read_reference(directory: Path = DEFAULT_DIR) -> ReferenceData:
    """Parse and validate every reference file. Raises ReferenceDataError listing all errors."""
    r = _Reader(Path(directory))
    r.check_files()
    if r.errors:
        raise ReferenceDataError(r.errors)
    data = ReferenceData()
    regions: dict[str, tuple[str, str]] = {}
    state_rows: dict[str, Row] = {}

    for row in r.rows("regions.csv"):
        iso3 = r.iso3(row, "iso3")
        if iso3:
            regions[iso3] = (r.required(row, "continent"), r.required(row, "region"))

    def add_org(code: str, row: Row, fields: dict[str, Any]) -> None:
        if code in data.organizations:
            first = data.organizations[code].origin
            r.error(row, "", f"organization '{code}' already defined at {first.file}:{first.line}")
            return
        data.organizations[code] = Record(Organization, {"code": code}, fields, row)

    def state(iso3: str, name: str, row: Row, kind: str) -> None:
        """Register a state the first time it is named; Allies are registered first."""
        if not iso3 or iso3 in data.organizations:
            return
        if iso3 not in regions:
            r.error(row, "iso3", f"no region for '{iso3}' in regions.csv")
            return
        continent, region = regions[iso3]
        state_rows[iso3] = row
        add_org(
            iso3,
            row,
            {
                "name": name,
                "kind": kind,
                "iso3": iso3,
                "region": region,
                "continent": continent,
                "source_url": row["source_url"],
                "verified": r.flag(row, "verified"),
                "note": "",
            },
        )

    alliance_code = ""
    for row in r.rows("alliance.csv"):
        alliance_code = r.required(row, "code")
        add_org(
            alliance_code,
            row,
            {
                "name": r.required(row, "name"),
                "kind": OrganizationKind.ALLIANCE,
                "iso3": None,
                "region": r.required(row, "region"),
                "description": "",
                **_sourced(r, row),
            },
        )
    if not alliance_code:
        r.error(None, "", "no alliance row", file="alliance.csv")

    for row in r.rows("allies.csv"):
        iso3 = r.iso3(row, "iso3")
        name = r.required(row, "name")
        accession = r.partial(row, "accession_date")
        state(iso3, name, row, OrganizationKind.MEMBER_STATE)
        if iso3 and accession and alliance_code:
            data.memberships.append(
                Record(
                    Membership,
                    {"organization": iso3, "alliance": alliance_code, "start": accession.value},
                    {
                        "framework": None,
                        "start_precision": accession.precision,
                        "end": None,
                        "end_precision": "day",
                        "start_confirmed_to": "",
                        **_sourced(r, row),
                    },
                    row,
                )
            )

    for row in r.rows("frameworks.csv"):
        code = r.required(row, "code")
        established = r.partial(row, "established", required=False)
        status = r.choice(row, "status", list(FrameworkStatus.values))
        if code in data.frameworks:
            r.error(row, "code", f"framework '{code}' defined twice")
            continue
        data.frameworks[code] = Record(
            Framework,
            {"code": code},
            {
                "name": r.required(row, "name"),
                "established": established.value if established else None,
                "established_precision": established.precision if established else "day",
                "description": row["description"],
                "status": status,
                **_sourced(r, row),
            },
            row,
        )

    periods: dict[tuple[str, str], list[tuple[date, date | None, Row]]] = defaultdict(list)
    # Bodies whose rows are already reported: rows referring to them are not reported again.
    unloadable_memberships: set[tuple[str, str]] = set()
    for row in r.rows("partner_memberships.csv"):
        iso3 = r.iso3(row, "iso3")
        fw = r.required(row, "framework_code")
        if fw and fw not in data.frameworks:
            r.error(row, "framework_code", f"unknown framework '{fw}'")
        joined = r.partial(row, "joined")
        left = r.partial(row, "left", required=False)
        status = r.choice(row, "status", ["active", "suspended", "ended"])
        r.period(row, joined, left, "left")
        if status == "ended" and left is None:
            r.error(row, "left", "status is 'ended' but no end date is given")
        if status in {"active", "suspended"} and left is not None:
            r.error(row, "status", f"status is '{status}' but the row has an end date")
        state(iso3, r.required(row, "partner_name"), row, OrganizationKind.PARTNER_STATE)
        if not (iso3 and fw and joined):
            unloadable_memberships.add((row["iso3"].upper(), row["framework_code"]))
            continue
        periods[(iso3, fw)].append((joined.value, left.value if left else None, row))
        confirmed = row.values.get("joined_confirmed_to", "") or ""
        data.memberships.append(
            Record(
                Membership,
                {"organization": iso3, "framework": fw, "start": joined.value},
                {
                    "alliance": None,
                    "start_precision": joined.precision,
                    "end": left.value if left else None,
                    "end_precision": left.precision if left else "day",
                    "start_confirmed_to": confirmed.strip(),
                    **_sourced(r, row),
                },
                row,
            )
        )
    for (iso3, fw), spans in periods.items():
        spans.sort(key=lambda s: s[0])
        reach: tuple[date | None, Row] | None = None  # furthest end so far; None = open
        for span_start, span_end, span_row in spans:
            if reach is not None and (reach[0] is None or span_start < reach[0]):
                r.error(
                    span_row,
                    "joined",
                    f"{iso3} in {fw} overlaps the period at line {reach[1].line}",
                )
            already_open = reach is not None and reach[0] is None
            if not already_open and (
                reach is None or span_end is None or span_end > reach[0]  # type: ignore[operator]
            ):
                reach = (span_end, span_row)

    membership_keys = {
        (m.key["organization"], m.key.get("framework"), m.key["start"]): m
        for m in data.memberships
        if m.key.get("framework")
    }
    for row in r.rows("membership_status.csv"):
        iso3 = r.iso3(row, "iso3")
        fw = r.required(row, "framework_code")
        since = r.partial(row, "membership_start")
        status = r.choice(row, "status", list(MembershipStatus.values))
        start = r.partial(row, "start")
        end = r.partial(row, "end", required=False)
        r.period(row, start, end, "end")
        if not (iso3 and fw and since and start and status):
            continue
        parent = membership_keys.get((iso3, fw, since.value))
        if parent is None:
            if (iso3, fw) not in unloadable_memberships:
                r.error(row, "membership_start", f"no {fw} membership of {iso3} starting {since}")
            continue
        if start.value < since.value or (
            parent.fields["end"] is not None and start.value >= parent.fields["end"]
        ):
            r.error(row, "start", f"{start} is outside the membership it qualifies")
            continue
        data.status_periods.append(
            Record(
                MembershipStatusPeriod,
                {"membership": (iso3, fw, since.value), "start": start.value},
                {
                    "status": status,
                    "start_precision": start.precision,
                    "end": end.value if end else None,
                    "end_precision": end.precision if end else "day",
                    **_sourced(r, row),
                },
                row,
            )
        )

    for row in r.rows("international_organizations.csv"):
        code = r.required(row, "code")
        kind = r.choice(row, "kind", ["international", "regional"])
        if not code or not kind:
            continue
        add_org(
            code,
            row,
            {
                "name": r.required(row, "name"),
                "kind": OrganizationKind.INTERNATIONAL_ORG
                if kind == "international"
                else OrganizationKind.REGIONAL_ORG,
                "iso3": None,
                "region": r.required(row, "region"),
                "description": row["relationship_note"],
                **_sourced(r, row),
            },
        )

    def institution(
        row: Row, code: str, subtype: str, host_column: str, city_column: str
    ) -> dict[str, Any] | None:
        host = r.iso3(row, host_column)
        if host and host not in data.organizations:
            r.error(row, host_column, f"host country '{host}' is not an Ally or a partner")
            return None
        if not code or not host:
            return None
        host_fields = data.organizations[host].fields
        return {
            "name": r.required(row, "name"),
            "kind": OrganizationKind.INSTITUTION,
            "subtype": subtype,
            "iso3": None,
            "host_country": host,
            "city": row[city_column],
            "region": host_fields["region"],
            "continent": host_fields["continent"],
            **_sourced(r, row),
        }

    for row in r.rows("centres_of_excellence.csv"):
        code = r.required(row, "code")
        fields = institution(
            row, code, InstitutionSubtype.COE, "host_country_iso3", "location_city"
        )
        accredited = r.partial(row, "accreditation_year", required=False)
        if fields is not None:
            fields.update(
                short_name=row["short_name"],
                domain=row["domain"],
                accreditation_date=accredited.value if accredited else None,
                accreditation_precision=accredited.precision if accredited else "day",
            )
            add_org(code, row, fields)

    for row in r.rows("ptecs.csv"):
        code = r.required(row, "code")
        fields = institution(row, code, InstitutionSubtype.PTEC, "country_iso3", "city")
        if fields is not None:
            add_org(code, row, fields)

    unloadable_operations: set[str] = set()
    for row in r.rows("operations.csv"):
        code = r.required(row, "code")
        start = r.partial(row, "start")
        end = r.partial(row, "end", required=False)
        kind = r.choice(row, "kind", list(OperationKind.values))
        r.period(row, start, end, "end")
        if not (code and start and kind):
            unloadable_operations.add(code)
            continue
        if code in data.operations:
            r.error(row, "code", f"operation '{code}' defined twice")
            continue
        data.operations[code] = Record(
            Operation,
            {"code": code},
            {
                "name": r.required(row, "name"),
                "kind": kind,
                "start": start.value,
                "start_precision": start.precision,
                "end": end.value if end else None,
                "end_precision": end.precision if end else "day",
                **_sourced(r, row),
            },
            row,
        )

    for row in r.rows("operation_contributors.csv"):
        op = r.required(row, "operation_code")
        iso3 = r.iso3(row, "iso3")
        if op and op not in data.operations:
            if op not in unloadable_operations:
                r.error(row, "operation_code", f"unknown operation '{op}'")
            continue
        # Contributors that are neither Allies nor partners (e.g. Malaysia) are non-member
        # states; they enter the registry without any framework membership.
        state(iso3, r.required(row, "partner_name"), row, OrganizationKind.PARTNER_STATE)
        if not (op and iso3):
            continue
        data.contributions.append(
            Record(
                OperationContribution,
                {"operation": op, "organization": iso3},
                {"role_note": row["role_note"], "start": None, "end": None, **_sourced(r, row)},
                row,
            )
        )
    dupes = Counter((c.key["operation"], c.key["organization"]) for c in data.contributions)
    for c in data.contributions:
        if dupes[(c.key["operation"], c.key["organization"])] > 1:
            r.error(
                c.origin, "iso3", f"{c.key['organization']} listed twice for {c.key['operation']}"
            )
            dupes[(c.key["operation"], c.key["organization"])] = 1

    _check_fields(r, data)
    if r.errors:
        raise ReferenceDataError(r.errors)
    return data


# model field -> the CSV column its value comes from, where the two names differ
_COLUMN_OF_FIELD: dict[str, dict[str, str]] = {
    "allies.csv": {"start": "accession_date"},
    "partner_memberships.csv": {
        "name": "partner_name",
        "start": "joined",
        "end": "left",
        "start_confirmed_to": "joined_confirmed_to",
    },
    "operation_contributors.csv": {"name": "partner_name"},
    "international_organizations.csv": {"description": "relationship_note"},
    "centres_of_excellence.csv": {
        "city": "location_city",
        "accreditation_date": "accreditation_year",
    },
}


def _check_fields(r: _Reader, data: ReferenceData) -> None:
    """Field-level checks of the models (URLs, lengths, choices), without the database.

    Done while reading so that a bad value is reported as file, line and column, by
    `--dry-run` too, instead of failing half-way through the write.
    """
    records: list[Record] = [
        *data.organizations.values(),
        *data.frameworks.values(),
        *data.memberships,
        *data.status_periods,
        *data.operations.values(),
        *data.contributions,
    ]
    # A row already reported would only be reported again, in the models' words.
    reported = {(e.file, e.line) for e in r.errors}
    for rec in records:
        if (rec.origin.file, rec.origin.line) in reported:
            continue
        relations = [f.name for f in rec.model._meta.get_fields() if f.is_relation]
        values = {k: v for k, v in {**rec.key, **rec.fields}.items() if k not in relations}
        try:
            rec.model(**values).clean_fields(exclude=relations)
        except ValidationError as exc:
            columns = _COLUMN_OF_FIELD.get(rec.origin.file, {})
            for name, messages in exc.message_dict.items():
                r.error(rec.origin, columns.get(name, name), " ".join(messages))


@dataclass
class LoadCounts:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    # rows in the database that the files no longer list; kept, never deleted silently
    stale: Counter[str] = field(default_factory=Counter)
    touched: dict[type[models.Model], set[int]] = field(default_factory=dict)

    def totals(self) -> tuple[int, int, int]:
        return sum(self.created.values()), sum(self.updated.values()), sum(self.unchanged.values())


def _describe(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _upsert(
    actor: Actor,
    counts: LoadCounts,
    model: type[models.Model],
    key: dict[str, Any],
    fields: dict[str, Any],
) -> Any:
    label = str(model._meta.verbose_name_plural)
    object_type = model._meta.label_lower
    natural_key = {k: _describe(v) for k, v in key.items()}
    obj = model._default_manager.filter(**key).first()
    if obj is None:
        obj = model(**key, **fields)
        obj.full_clean()
        obj.save()
        counts.created[label] += 1
        audit_record(
            actor=actor, action="reference.create", object_type=object_type, object_id=obj.pk,
            summary={"key": natural_key},
        )  # fmt: skip
    else:
        changed = {
            name: [_describe(getattr(obj, name)), _describe(value)]
            for name, value in fields.items()
            if getattr(obj, name) != value
        }
        if changed:
            for name in changed:
                setattr(obj, name, fields[name])
            obj.full_clean()
            obj.save(update_fields=list(changed))
            counts.updated[label] += 1
            audit_record(
                actor=actor, action="reference.update", object_type=object_type,
                object_id=obj.pk, summary={"key": natural_key, "changed": changed},
            )  # fmt: skip
        else:
            counts.unchanged[label] += 1
    counts.touched.setdefault(model, set()).add(obj.pk)
    return obj


def apply_reference(*, actor: Actor, data: ReferenceData) -> LoadCounts:
    """Write validated reference records in one transaction; returns per-model counts.

    Every created or changed row leaves an audit event naming its natural key and, for a
    change, each field's old and new value. Rows the files no longer list are counted as
    stale and kept. Raises Forbidden unless the actor may change reference data.
    """
    if not can_change_reference_data(actor):
        raise Forbidden("Only administrators load reference data.")
    counts = LoadCounts()
    with transaction.atomic():
        orgs: dict[str, Organization] = {}
        # States and the alliance first: institutions point at their host country.
        ordered = sorted(data.organizations.values(), key=lambda rec: "host_country" in rec.fields)
        for rec in ordered:
            fields = dict(rec.fields)
            if "host_country" in fields:
                fields["host_country"] = orgs[fields["host_country"]]
            orgs[rec.key["code"]] = _upsert(actor, counts, Organization, rec.key, fields)
        frameworks = {
            code: _upsert(actor, counts, Framework, rec.key, rec.fields)
            for code, rec in data.frameworks.items()
        }
        memberships: dict[tuple[str, str, date], Membership] = {}
        for rec in data.memberships:
            key: dict[str, Any] = {
                "organization": orgs[rec.key["organization"]],
                "start": rec.key["start"],
            }
            fields = dict(rec.fields)
            if "framework" in rec.key:
                key["framework"] = frameworks[rec.key["framework"]]
                fields.pop("framework", None)
                fields["alliance"] = None
                memberships[(rec.key["organization"], rec.key["framework"], rec.key["start"])] = (
                    _upsert(actor, counts, Membership, key, fields)
                )
            else:
                key["alliance"] = orgs[rec.key["alliance"]]
                fields.pop("alliance", None)
                fields["framework"] = None
                _upsert(actor, counts, Membership, key, fields)
        for rec in data.status_periods:
            key = {"membership": memberships[rec.key["membership"]], "start": rec.key["start"]}
            _upsert(actor, counts, MembershipStatusPeriod, key, rec.fields)
        operations = {
            code: _upsert(actor, counts, Operation, rec.key, rec.fields)
            for code, rec in data.operations.items()
        }
        for rec in data.contributions:
            key = {
                "operation": operations[rec.key["operation"]],
                "organization": orgs[rec.key["organization"]],
            }
            _upsert(actor, counts, OperationContribution, key, rec.fields)
        for model, pks in counts.touched.items():
            stale = model._default_manager.exclude(pk__in=pks).count()
            if stale:
                counts.stale[str(model._meta.verbose_name_plural)] = stale
    return counts
