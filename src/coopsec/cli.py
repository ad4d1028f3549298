"""The `coopsec` command: Django's management commands under the project's settings."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command, e.g. `coopsec load-reference` or `coopsec migrate`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopsec.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["coopsec", *argv])
    # Friendly hyphenated names map to the management commands' module names.
    if len(args) > 1:
        args[1] = args[1].replace("-", "_")
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
