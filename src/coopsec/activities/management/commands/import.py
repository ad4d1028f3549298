"""coopsec import activities|nominations FILE [--dry-run] [--skip-invalid] [--as USERNAME]

The column layouts are in docs/spreadsheets.md. Exit status 1 when any row was refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopsec.activities import exchange
from coopsec.errors import CoopsecError


class Command(BaseCommand):
    help = (
        "Import activities or nominations from a .xlsx or .csv file. Every row is checked "
        "first; nothing is written unless all rows are valid (or, with --skip-invalid, only "
        "the valid ones). Exit status 1 when anything was refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["activities", "nominations"])
        parser.add_argument("file", type=Path, help="a .xlsx or .csv file")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="write the valid rows, report the rest"
        )
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="act as this account (nominations: a partner liaison); default: the "
            "operator, with a coordinator's rights",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        try:
            actor = exchange.acting_actor(options["username"])
        except CoopsecError as exc:
            raise CommandError(exc.message) from exc
        if options["kind"] == "nominations" and actor.user is None:
            raise CommandError("Nominations are made by a partner's liaison: pass --as USERNAME.")
        run = (
            exchange.import_activities
            if options["kind"] == "activities"
            else exchange.import_nominations
        )
        report = run(
            actor=actor,
            file=path.name,
            content=content,
            dry_run=options["dry_run"],
            skip_invalid=options["skip_invalid"],
            progress=self._progress if options["verbosity"] >= 2 else None,
        )
        for problem in report.problems:
            self.stderr.write(str(problem))
        self.stdout.write(self._summary(report))
        if report.problems:
            rows = f" in {report.refused} row(s)" if report.refused else ""
            raise CommandError(f"{len(report.problems)} problem(s){rows}.", returncode=1)

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"  {done}/{total} rows", ending="\r" if done < total else "\n")

    @staticmethod
    def _summary(report: exchange.ImportReport) -> str:
        if report.kind == "activities":
            counts = (
                f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"
                if report.written
                else f"would create {report.created}, update {report.updated}, "
                f"leave {report.unchanged} unchanged"
            )
        else:
            states = "".join(f", {n} {state}" for state, n in sorted(report.states.items()))
            verb = "nominated" if report.written else "would be nominated"
            counts = f"{report.created} {verb}{states}"
        return f"{report.file}: {report.rows} rows; {counts}; {report.refused} refused. " + (
            Command._outcome(report)
        )

    @staticmethod
    def _outcome(report: exchange.ImportReport) -> str:
        if report.written:
            if not (report.created or report.updated):
                return "Nothing to change."
            return "The accepted rows were written." if report.problems else "Written."
        if report.dry_run:
            return "Nothing was written (--dry-run)."
        return "Nothing was written (fix the rows, or use --skip-invalid)."
