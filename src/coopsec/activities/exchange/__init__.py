"""Spreadsheet exchange of the cooperation menu: activities and nominations as .csv or .xlsx.

The column layout is documented in docs/spreadsheets.md; the header row names the columns.

Import works in the spirit of the reference loader. Every row is read and converted (dates in
the usual spreadsheet forms, numbers, yes/no, names turned into codes) and every problem is
recorded as file / row / column / reason. Then every row goes through the services
(`activity_create`, `activity_update`, `nomination_create`), each in its own savepoint inside
one transaction, so the validation and the access rules are the services' own and every write
is audited by them. The transaction commits only when no row was refused, or with
`skip_invalid` keeps the rows that passed; a dry run always rolls back.

    sheets.py       files, cells and the report (no database)
    importing.py    what both imports share: savepoints, errors per column, commit or not
    activities.py   the activity layout: import and export
    nominations.py  a liaison's bulk nomination
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.selectors import user_list
from coopsec.activities.exchange.activities import (
    ACTIVITY_COLUMNS,
    CREATE_COLUMNS,
    activity_input_of,
    activity_row,
    activity_rows,
    export_activities,
    import_activities,
)
from coopsec.activities.exchange.nominations import NOMINATION_COLUMNS, import_nominations
from coopsec.activities.exchange.sheets import (
    CONTENT_TYPES,
    FORMATS,
    ImportReport,
    Problem,
    parse_date,
    read_sheet,
    write_csv,
    write_xlsx,
)
from coopsec.errors import NotFound

__all__ = [
    "ACTIVITY_COLUMNS",
    "CONTENT_TYPES",
    "CREATE_COLUMNS",
    "FORMATS",
    "NOMINATION_COLUMNS",
    "ImportReport",
    "Problem",
    "acting_actor",
    "activity_input_of",
    "activity_row",
    "activity_rows",
    "can_exchange_activities",
    "export_activities",
    "import_activities",
    "import_nominations",
    "operator_actor",
    "parse_date",
    "read_sheet",
    "write_csv",
    "write_xlsx",
]


def can_exchange_activities(actor: Actor) -> bool:
    """Coordinators and institution managers import and export the menu from the web (the
    services still decide, row by row, what each may change)."""
    return actor.has_role(R.COORDINATOR, R.INSTITUTION_MANAGER)


def operator_actor() -> Actor:
    """The operator at the command line: the administrator, with a coordinator's rights over
    the menu (audited as "system")."""
    return Actor(user=None, organization=None, roles=frozenset({R.ADMIN, R.COORDINATOR}))


def acting_actor(username: str | None) -> Actor:
    """The actor a command acts as: the named active account, or the operator.
    Raises NotFound for an unknown or disabled account."""
    if not username:
        return operator_actor()
    user = user_list(actor=Actor.system()).filter(username=username, is_active=True).first()
    if user is None:
        raise NotFound(_("No active account “%(username)s”.") % {"username": username})
    return Actor.from_user(user)
