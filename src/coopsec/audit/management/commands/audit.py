"""coopsec audit verify"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopsec.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute the hash chain; non-zero exit if broken")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN after {report.events} good events: {report.problem}"
            )
        self.stdout.write(f"Audit chain intact: {report.events} events verified.")
