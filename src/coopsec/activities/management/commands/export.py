"""coopsec export activities --format csv|xlsx --output FILE [--area ...] [--as USERNAME]

The column layout is in docs/spreadsheets.md; the file imports back without changes.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopsec.activities import exchange
from coopsec.activities.selectors import ActivityFilters
from coopsec.errors import CoopsecError


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"'{text}' is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Export the activities of the menu, filtered, as .csv (UTF-8 with BOM) or .xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["activities"])
        parser.add_argument(
            "--format", dest="fmt", choices=exchange.FORMATS, help="default: from --output"
        )
        parser.add_argument(
            "--output", required=True, help="the file to write; '-' for standard output (csv)"
        )
        parser.add_argument("--q", default="", help="text in the title, code or a reference")
        parser.add_argument("--area", default="", help="cooperation area code")
        parser.add_argument("--type", default="", help="activity type, e.g. course")
        parser.add_argument("--host", default="", help="host organization code")
        parser.add_argument("--state", default="", help="lifecycle state, e.g. open")
        parser.add_argument("--from", dest="date_from", help="ending on or after (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", help="starting on or before (YYYY-MM-DD)")
        parser.add_argument(
            "--as", dest="username", metavar="USERNAME", help="export what this account sees"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: str = options["output"]
        fmt = options["fmt"] or Path(output).suffix.lstrip(".").lower()
        if fmt not in exchange.FORMATS:
            raise CommandError("Give --format csv or xlsx (or an --output ending in one).")
        if output == "-" and fmt != "csv":
            raise CommandError("Only csv can go to standard output.")
        filters = ActivityFilters(
            q=options["q"], area=options["area"], type=options["type"], host=options["host"],
            state=options["state"],
            date_from=_iso_date(options["date_from"]) if options["date_from"] else None,
            date_to=_iso_date(options["date_to"]) if options["date_to"] else None,
        )  # fmt: skip
        try:
            actor = exchange.acting_actor(options["username"])
            content = exchange.export_activities(actor=actor, fmt=fmt, filters=filters)
        except CoopsecError as exc:
            raise CommandError(exc.message) from exc
        if output == "-":
            sys.stdout.buffer.write(content)
            return
        try:
            Path(output).write_bytes(content)
        except OSError as exc:
            raise CommandError(f"{output}: {exc.strerror or exc}") from exc
        self.stdout.write(f"Wrote {output} ({len(content)} bytes).")
