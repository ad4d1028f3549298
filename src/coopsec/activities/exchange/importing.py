"""What importing activities and nominations share: each row through the services in its
own savepoint inside one transaction, their errors as problems per column, and the decision to
commit or roll back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from coopsec.accounts.actor import Actor
from coopsec.activities import selectors
from coopsec.activities.exchange.sheets import Cells, ImportReport, SheetRow
from coopsec.activities.models import Activity
from coopsec.audit.services import audit_record
from coopsec.errors import Forbidden, Invalid, NotFound

_PROGRESS_EVERY = 500


class StandIn(Exception):
    """Rolls back a row that went through the services with stand-in values (for cells that
    did not convert), so that the services could still report the row's other problems."""


def service_problems(
    report: ImportReport,
    cells: Cells,
    exc: Exception,
    *,
    columns: tuple[str, ...],
    renames: dict[str, str],
    default_column: str,
    consequences: dict[str, set[str]] | None = None,
) -> None:
    """Turn a service's error into problems, one per field it names, under the column that
    holds the field (`renames` for fields whose column has another name). Fields whose cell
    already failed to convert, and their `consequences`, are not reported twice."""
    skip = set(cells.failed)
    for broken in cells.failed:
        skip |= (consequences or {}).get(broken, set())
    details: Any = None
    message = str(exc)
    if isinstance(exc, Invalid | Forbidden | NotFound):
        details, message = exc.details, exc.message
    elif isinstance(exc, ValidationError):
        details = exc.message_dict if hasattr(exc, "error_dict") else None
        message = " ".join(exc.messages)
    if isinstance(exc, Invalid | ValidationError) and isinstance(details, dict) and details:
        for name, reason in details.items():
            column = renames.get(name, name if name in columns else "")
            if column in skip:
                continue
            text = " ".join(str(r) for r in reason) if isinstance(reason, list) else str(reason)
            report.problem(cells.row.number, column, text)
        return
    report.problem(cells.row.number, default_column, message)


def run_rows(
    report: ImportReport,
    rows: list[SheetRow],
    handle_row: Callable[[SheetRow], None],
    progress: Callable[[int, int], None] | None,
) -> None:
    """Each row in turn, telling `progress` (done, total) every few hundred rows."""
    for done, row in enumerate(rows, start=1):
        handle_row(row)
        if progress is not None and (done % _PROGRESS_EVERY == 0 or done == len(rows)):
            progress(done, len(rows))


def finish(report: ImportReport, actor: Actor, action: str) -> None:
    """Commit or roll back the surrounding transaction, as the options and problems say."""
    if report.dry_run or (report.problems and not report.skip_invalid):
        transaction.set_rollback(True)
        return
    report.written = True
    if report.created or report.updated:
        audit_record(
            actor=actor, action=action, object_type="file", object_id=report.file,
            summary={"rows": report.rows, "created": report.created, "updated": report.updated,
                     "unchanged": report.unchanged, "refused": report.refused},
        )  # fmt: skip


def visible_activities(
    actor: Actor, codes: Iterable[str], *, relations: bool = True
) -> dict[str, Activity]:
    """The activities the actor may see among `codes`, with the relations comparing them
    needs; in batches, since databases limit how many values one query may carry."""
    wanted = sorted(set(codes))
    found: dict[str, Activity] = {}
    for start in range(0, len(wanted), 500):
        batch = selectors.activity_list(actor=actor).filter(code__in=wanted[start : start + 500])
        if relations:
            batch = batch.prefetch_related(
                "secondary_areas", "eligible_frameworks", "eligible_organizations", "references"
            )
        found.update((activity.code, activity) for activity in batch)
    return found
