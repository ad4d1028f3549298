"""coopsec load-reference [--dir DIR] [--dry-run]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from coopsec.accounts.actor import Actor
from coopsec.network.reference import (
    DEFAULT_DIR,
    ReferenceDataError,
    apply_reference,
    read_reference,
)


class Command(BaseCommand):
    help = "Validate and load the shipped reference data (Allies, partners, frameworks, ...)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="CSV directory")
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        # The registry's facts and the cooperation-area taxonomy are validated together and
        # written in one transaction: a bad row anywhere writes nothing.
        from coopsec.activities.areas import apply_areas, read_areas

        errors = []
        try:
            data = read_reference(options["dir"])
        except ReferenceDataError as exc:
            errors.extend(exc.errors)
        try:
            areas = read_areas(options["dir"])
        except ReferenceDataError as exc:
            errors.extend(exc.errors)
        if errors:
            for error in errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(errors)} problem(s) in the reference data; nothing was written."
            ) from ReferenceDataError(errors)
        if options["dry_run"]:
            self.stdout.write(
                f"Valid: {len(data.organizations)} organizations, {len(data.frameworks)} "
                f"frameworks, {len(data.memberships)} memberships, {len(data.status_periods)} "
                f"status periods, {len(data.operations)} operations, "
                f"{len(data.contributions)} contributions, {len(areas)} cooperation areas. "
                "Nothing written (--dry-run)."
            )
            return
        with transaction.atomic():
            counts = apply_reference(actor=Actor.system(), data=data)
            area_counts = apply_areas(actor=Actor.system(), rows=areas)
        label = "cooperation areas"
        counts.created[label] += area_counts.created
        counts.updated[label] += area_counts.updated
        counts.unchanged[label] += area_counts.unchanged
        labels = sorted(set(counts.created) | set(counts.updated) | set(counts.unchanged))
        for label in labels:
            self.stdout.write(
                f"  {label}: {counts.created[label]} created, {counts.updated[label]} updated, "
                f"{counts.unchanged[label]} unchanged"
            )
        for label, stale in sorted(counts.stale.items()):
            self.stdout.write(
                f"  {label}: {stale} in the database but no longer in the files (kept; "
                "review them in the admin)"
            )
        created, updated, unchanged = counts.totals()
        self.stdout.write(f"{created} created, {updated} updated, {unchanged} unchanged")
