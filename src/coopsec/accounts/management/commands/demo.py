"""coopsec demo: demo accounts, one per role, tied to real organizations; with --scale, a
clearly labelled synthetic cooperation history as well (activities/generator.py), with
partnership programmes and interests drawn over it (programmes/generator.py); see
docs/demo-data.md.

Passwords are random per installation, kept in var/demo-credentials.txt (mode 0600) so that a
second run keeps them, and printed.

    coopsec demo                                  the accounts only
    coopsec demo --scale small|prime|decade [--seed N] [--params FILE.json]
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities.generator import SCALES, GeneratorParams, generate
from coopsec.audit.services import audit_record
from coopsec.network.models import Organization
from coopsec.programmes.generator import ProgrammeParams, generate_programmes

# username, organization code, roles
DEMO_ACCOUNTS: list[tuple[str, str, list[str]]] = [
    ("coordinator", "NATO", [R.COORDINATOR]),
    ("liaison-geo", "GEO", [R.PARTNER_LIAISON]),
    ("liaison-jor", "JOR", [R.PARTNER_LIAISON]),
    ("manager-autint", "PTEC-AUT-AUTINT", [R.INSTITUTION_MANAGER]),
    ("analyst", "NATO", [R.ANALYST]),
    ("auditor", "NATO", [R.AUDITOR]),
    ("admin", "NATO", [R.ADMIN]),
]


class Command(BaseCommand):
    help = (
        "Create the demo accounts (one per role) and print their logins; with --scale, also "
        "replace the synthetic cooperation history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            help="generate a synthetic history: small (2 years x 300 activities), prime "
            "(1 year x 10,000), decade (10 years x 10,000); replaces earlier synthetic data",
        )
        parser.add_argument("--seed", type=int, help="random seed (default 1)")
        parser.add_argument(
            "--params",
            type=Path,
            help="JSON object overriding generator parameters (see docs/demo-data.md)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["scale"] and (options["seed"] is not None or options["params"]):
            raise CommandError("--seed and --params go with --scale small|prime|decade.")
        params = self._params(options) if options["scale"] else None
        self._accounts(quiet=options["quiet"])
        if params is not None:
            self._generate(options["scale"], params, quiet=options["quiet"])

    def _params(self, options: dict[str, Any]) -> GeneratorParams:
        overrides: dict[str, Any] = {}
        path: Path | None = options["params"]
        if path is not None:
            try:
                overrides = json.loads(path.read_text())
            except (OSError, ValueError) as exc:
                raise CommandError(f"{path}: {exc}") from exc
            if not isinstance(overrides, dict):
                raise CommandError(f"{path}: expected a JSON object of parameters.")
        try:
            return GeneratorParams.for_scale(
                options["scale"],
                seed=1 if options["seed"] is None else options["seed"],
                overrides=overrides,
            )
        except (TypeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc

    def _generate(self, scale: str, params: GeneratorParams, *, quiet: bool) -> None:
        def progress(message: str) -> None:
            if not quiet:
                self.stdout.write(f"  {message}")

        if not quiet:
            self.stdout.write(f"Generating the '{scale}' synthetic history (seed {params.seed}):")
        try:
            result = generate(actor=Actor.system(), params=params, scale=scale, progress=progress)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not quiet:
            counts = ", ".join(f"{n:,} {name}" for name, n in result.counts.items())
            took = sum(result.seconds.values())
            steps = ", ".join(f"{name} {sec:.1f} s" for name, sec in result.seconds.items())
            self.stdout.write(
                f"Synthetic history {result.first_year}-{result.last_year}: {counts} "
                f"in {took:.1f} s ({steps}; today {result.today})."
            )
        # Programmes and interests are drawn over the history just written (same seed, today).
        drawn = generate_programmes(
            actor=Actor.system(),
            params=ProgrammeParams(seed=params.seed, today=result.today),
            progress=progress,
        )
        if not quiet:
            counts = ", ".join(
                f"{n:,} {name.replace('_', ' ')}" for name, n in drawn.counts.items()
            )
            took = sum(drawn.seconds.values())
            steps = ", ".join(f"{name} {sec:.1f} s" for name, sec in drawn.seconds.items())
            self.stdout.write(f"Synthetic programmes: {counts} in {took:.1f} s ({steps}).")

    def _accounts(self, *, quiet: bool) -> None:
        path = settings.VAR_DIR / "demo-credentials.txt"
        known: dict[str, str] = {}
        if path.exists():
            for line in path.read_text().splitlines():
                if ":" in line:
                    name, password = line.split(":", 1)
                    known[name.strip()] = password.strip()
        lines = []
        with transaction.atomic():
            for username, org_code, roles in DEMO_ACCOUNTS:
                org = Organization.objects.filter(code=org_code).first()
                if org is None:
                    raise CommandError(
                        f"Organization '{org_code}' is missing; run `coopsec load-reference`."
                    )
                password = known.get(username) or secrets.token_urlsafe(9)
                user, _created = User.objects.get_or_create(username=username)
                user.organization = org
                user.roles = roles
                user.is_staff = user.is_superuser = R.ADMIN in roles
                user.set_password(password)
                user.save()
                audit_record(
                    actor=Actor.system(), action="user.demo", object_type="user",
                    object_id=user.pk,
                    summary={"username": username, "organization": org_code, "roles": roles},
                )  # fmt: skip
                lines.append(f"{username}: {password}")
        path.write_text("\n".join(lines) + "\n")
        path.chmod(0o600)
        if not quiet:
            self.stdout.write("Demo logins (also in var/demo-credentials.txt):")
            for (username, org_code, roles), line in zip(DEMO_ACCOUNTS, lines, strict=True):
                password = line.split(":", 1)[1].strip()
                self.stdout.write(
                    f"  {username:<16} {password:<14} {', '.join(roles)} for {org_code}"
                )
