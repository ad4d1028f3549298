"""coopsec token create --username U [--expires 30d] [--name N]"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coopsec.accounts.actor import Actor
from coopsec.accounts.services import token_create, token_list, token_revoke
from coopsec.errors import CoopsecError

_DURATION = re.compile(r"^(\d+)([dhm])$")


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip())
    if not match:
        raise CommandError(f"--expires '{text}': use a number and d, h or m, e.g. 30d")
    amount, unit = int(match.group(1)), match.group(2)
    return {
        "d": timedelta(days=amount),
        "h": timedelta(hours=amount),
        "m": timedelta(minutes=amount),
    }[unit]


class Command(BaseCommand):
    help = "Manage API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a token and print it once")
        create.add_argument("--username", required=True)
        create.add_argument("--expires", help="lifetime, e.g. 30d, 12h")
        create.add_argument("--name", default="")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix (see `token list`)")
        revoke.add_argument("prefix")
        listing = sub.add_parser("list", help="list tokens (hashed; prefixes only)")
        listing.add_argument("--username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "revoke":
                token = token_revoke(actor=Actor.system(), key_prefix=options["prefix"])
                self.stdout.write(f"Revoked {token.key_prefix}… of {token.user.username}")
                return
            if options["action"] == "list":
                for t in token_list(actor=Actor.system(), username=options.get("username")):
                    state = (
                        "revoked"
                        if t.revoked_at
                        else (
                            f"expires {t.expires_at:%Y-%m-%d %H:%M}"
                            if t.expires_at
                            else "no expiry"
                        )
                    )
                    self.stdout.write(
                        f"{t.key_prefix}…  {t.user.username:<20} {t.name or '-':<16} "
                        f"created {t.created_at:%Y-%m-%d}  {state}"
                    )
                return
        except CoopsecError as exc:
            raise CommandError(exc.message) from exc
        expires_at = None
        if options.get("expires"):
            expires_at = timezone.now() + parse_duration(options["expires"])
        try:
            issued = token_create(
                actor=Actor.system(),
                username=options["username"],
                name=options["name"],
                expires_at=expires_at,
            )
        except CoopsecError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(issued.secret)
