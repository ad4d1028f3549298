"""coopsec demo: demo accounts, one per role, tied to real organizations.

Passwords are random per installation, kept in var/demo-credentials.txt (mode 0600) so that a
second run keeps them, and printed.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.audit.services import audit_record
from coopsec.network.models import Organization

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
    help = "Create the demo accounts (one per role) and print their logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="do not print the logins")

    def handle(self, *args: Any, **options: Any) -> None:
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
        if not options["quiet"]:
            self.stdout.write("Demo logins (also in var/demo-credentials.txt):")
            for (username, org_code, roles), line in zip(DEMO_ACCOUNTS, lines, strict=True):
                password = line.split(":", 1)[1].strip()
                self.stdout.write(
                    f"  {username:<16} {password:<14} {', '.join(roles)} for {org_code}"
                )
