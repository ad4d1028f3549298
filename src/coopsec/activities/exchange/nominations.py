"""A partner liaison's bulk nomination: one row per participant, each through
`nomination_create` as the liaison (docs/spreadsheets.md)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.activities import services
from coopsec.activities.exchange.importing import (
    StandIn,
    finish,
    run_rows,
    service_problems,
    visible_activities,
)
from coopsec.activities.exchange.sheets import Cells, ImportReport, SheetRow, cell_text, read_sheet
from coopsec.errors import Forbidden, Invalid, NotFound

NOMINATION_COLUMNS: tuple[str, ...] = ("activity", "participant_name", "email", "rank", "priority")
NOMINATION_REQUIRED: tuple[str, ...] = ("activity", "participant_name")
# Service fields whose column has another name.
_FIELD_COLUMNS = {
    "participant.name": "participant_name",
    "participant.email": "email",
    "participant.rank": "rank",
    "participant": "participant_name",
}


def import_nominations(
    *,
    actor: Actor,
    file: str,
    content: bytes,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Nominate participants from a .csv or .xlsx file, each row through `nomination_create`
    as `actor` (a partner's liaison): confirmed, waitlisted or pending as the activity's seats
    and mode decide, in row order. Same all-or-nothing rules as `import_activities`."""
    report = ImportReport(file=file, kind="nominations", dry_run=dry_run, skip_invalid=skip_invalid)
    rows = read_sheet(
        report,
        content,
        columns=NOMINATION_COLUMNS,
        required=NOMINATION_REQUIRED,
        sheet_name="nominations",
    )
    if rows is None:
        return report
    activities = visible_activities(
        actor,
        (code for row in rows if (code := cell_text(row.cells.get("activity")))),
        relations=False,
    )

    def handle(row: SheetRow) -> None:
        cells = Cells(report, row)
        code = cells.text("activity")
        activity = activities.get(code)
        if not code:
            cells.fail("activity", _("The activity's code is required."))
        elif activity is None:
            cells.fail("activity", _("No activity %(code)s that you can see.") % {"code": code})
        name = cells.text("participant_name")
        if not name:
            cells.fail("participant_name", _("The participant's name is required."))
        email = cells.text("email").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                cells.fail("email", _("“%(value)s” is not an e-mail address.") % {"value": email})
        priority = cells.whole("priority") if cells.has("priority") else None
        if activity is None:
            return
        participant = services.ParticipantInput(name=name, email=email, rank=cells.text("rank"))
        try:
            with transaction.atomic():
                nomination = services.nomination_create(
                    actor=actor, activity_id=activity.pk, participant=participant,
                    priority=1 if priority is None else priority,
                )  # fmt: skip
                if cells.failed:
                    raise StandIn
        except StandIn:
            return
        except (Invalid, Forbidden, NotFound) as exc:
            service_problems(
                report, cells, exc, columns=NOMINATION_COLUMNS, renames=_FIELD_COLUMNS,
                default_column="activity",
            )  # fmt: skip
            return
        report.created += 1
        report.states[nomination.state] += 1

    with transaction.atomic():
        run_rows(report, rows, handle, progress)
        finish(report, actor, "nomination.import")
    return report
