"""The cooperation-area taxonomy, shipped in data/reference/cooperation_areas.csv and loaded
with the rest of the reference data (`coopsec load-reference`)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from coopsec.accounts.actor import Actor
from coopsec.activities.models import CooperationArea
from coopsec.audit.services import audit_record
from coopsec.errors import Forbidden
from coopsec.network.access import can_change_reference_data
from coopsec.network.reference import DEFAULT_DIR, ReferenceDataError, RowError

FILE = "cooperation_areas.csv"
COLUMNS = ["code", "parent", "name", "name_fr", "description", "description_fr"]


@dataclass(frozen=True)
class AreaRow:
    line: int
    code: str
    parent: str
    name: str
    name_fr: str
    description: str
    description_fr: str


def read_areas(directory: Path = DEFAULT_DIR) -> list[AreaRow]:
    """Parse and check the taxonomy: codes unique slugs, parents defined above their
    children. Raises ReferenceDataError listing every problem."""
    path = Path(directory) / FILE
    errors: list[RowError] = []
    if not path.exists():
        raise ReferenceDataError([RowError(FILE, 0, "", "file is missing")])
    rows: list[AreaRow] = []
    seen: set[str] = set()
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError([RowError(FILE, 1, ", ".join(missing), "column missing")])
        for values in reader:
            line = reader.line_num
            row = AreaRow(line, *((values.get(c) or "").strip() for c in COLUMNS))
            if not row.code or not row.code.replace("_", "").isalnum() or not row.code.islower():
                errors.append(
                    RowError(FILE, line, "code", f"'{row.code}' is not a lower-case code")
                )
            elif row.code in seen:
                errors.append(RowError(FILE, line, "code", f"'{row.code}' is defined twice"))
            if row.parent and row.parent not in seen:
                errors.append(
                    RowError(FILE, line, "parent", f"parent '{row.parent}' is not defined above")
                )
            if not row.name:
                errors.append(RowError(FILE, line, "name", "value is required"))
            seen.add(row.code)
            rows.append(row)
    if errors:
        raise ReferenceDataError(errors)
    return rows


@dataclass
class AreaCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def apply_areas(*, actor: Actor, rows: list[AreaRow]) -> AreaCounts:
    """Upsert the taxonomy by code, audited. Raises Forbidden unless administrator."""
    if not can_change_reference_data(actor):
        raise Forbidden("Only administrators load reference data.")
    counts = AreaCounts()
    with transaction.atomic():
        by_code: dict[str, CooperationArea] = {}
        for position, row in enumerate(rows):
            fields = {
                "parent": by_code.get(row.parent),
                "name": row.name,
                "name_fr": row.name_fr,
                "description": row.description,
                "description_fr": row.description_fr,
                "position": position,
            }
            area = CooperationArea.objects.filter(code=row.code).first()
            if area is None:
                area = CooperationArea.objects.create(code=row.code, **fields)
                counts.created += 1
                audit_record(
                    actor=actor, action="reference.create", object_type="activities.area",
                    object_id=area.pk, summary={"key": {"code": row.code}},
                )  # fmt: skip
            else:
                changed = [k for k, v in fields.items() if getattr(area, k) != v]
                if changed:
                    for name in changed:
                        setattr(area, name, fields[name])
                    area.save(update_fields=changed)
                    counts.updated += 1
                    audit_record(
                        actor=actor, action="reference.update", object_type="activities.area",
                        object_id=area.pk, summary={"key": {"code": row.code}, "changed": changed},
                    )  # fmt: skip
                else:
                    counts.unchanged += 1
            by_code[row.code] = area
    return counts
