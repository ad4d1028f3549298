"""coopsec user create --username U --org CODE --role ROLE [--role ROLE] [--password-stdin]
coopsec user disable U
coopsec user list"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coopsec.accounts.actor import Actor
from coopsec.accounts.roles import ALL_ROLES
from coopsec.accounts.selectors import user_list
from coopsec.accounts.services import user_create, user_disable
from coopsec.errors import CoopsecError


class Command(BaseCommand):
    help = "Manage user accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a user of one organization")
        create.add_argument("--username", required=True)
        create.add_argument("--org", required=True, help="organization code or ISO3")
        create.add_argument(
            "--role", action="append", required=True, help=f"one of {', '.join(sorted(ALL_ROLES))}"
        )
        create.add_argument("--email", default="")
        create.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
        disable = sub.add_parser("disable", help="disable a user (sign-in and tokens refused)")
        disable.add_argument("username")
        sub.add_parser("list", help="list users with organization and roles")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                password = None
                if options["password_stdin"]:
                    password = sys.stdin.readline().rstrip("\n")
                    if not password:
                        raise CommandError("--password-stdin: no password on standard input")
                user = user_create(
                    actor=Actor.system(),
                    username=options["username"],
                    organization_code=options["org"],
                    roles=options["role"],
                    password=password,
                    email=options["email"],
                )
                self.stdout.write(
                    f"Created {user.username} ({', '.join(user.roles)}) for "
                    f"{user.organization.code if user.organization else '-'}"
                )
            elif options["action"] == "disable":
                user = user_disable(actor=Actor.system(), username=options["username"])
                self.stdout.write(f"Disabled {user.username}")
            else:
                for u in user_list(actor=Actor.system()):
                    org = u.organization.code if u.organization else "-"
                    state = "" if u.is_active else " (disabled)"
                    self.stdout.write(f"{u.username:<24} {org:<20} {','.join(u.roles)}{state}")
        except CoopsecError as exc:
            problems = ""
            if isinstance(exc.details, dict):
                problems = " " + "; ".join(
                    f"--{k}: {' '.join(v) if isinstance(v, list) else v}"
                    for k, v in exc.details.items()
                )
            raise CommandError(f"{exc.message}{problems}") from exc
