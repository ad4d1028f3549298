"""A report as a workbook: a first sheet saying what the report is (who asked, when, under
which filters and definitions version, and the findings), then one sheet per table with
every row, numbers as numbers and dates as dates."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from coopsec.analytics.reports.content import Document, Table
from coopsec.documents import sheet

MAX_SHEET_TITLE = 31  # Excel's limit


def render(document: Document, progress: Callable[[int], None] | None = None) -> bytes:
    """The document as .xlsx bytes. `progress(k)` is called after the k-th part's sheets."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    about = sheet(
        workbook,
        _("Report"),
        [_("Item"), _("Value")],
        [
            (_("Report"), document.title),
            (_("Filters"), document.subtitle),
            (_("Requested by"), document.requested_by),
            (_("Generated"), document.generated_at),
            (_("Definitions version"), document.definitions_version),
            *document.filters,
            *[(part.heading, line) for part in document.parts for line in part.findings],
        ],
        widths=[28, 110],
    )
    about["A1"].font = Font(bold=True)
    used: set[str] = {about.title}
    for k, part in enumerate(document.parts, 1):
        for table in part.tables:
            _table_sheet(workbook, table, part.heading, used, several=len(document.parts) > 1)
        if progress is not None:
            progress(k)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _table_sheet(
    workbook: Workbook, table: Table, heading: str, used: set[str], *, several: bool
) -> None:
    title = _unique(f"{heading} - {table.title}" if several else table.title, used)
    widths = [34 if c.kind == "text" else 14 for c in table.columns]
    rows = [[float(v) if isinstance(v, Decimal) else v for v in row] for row in table.rows]
    found = sheet(workbook, title, [c.label for c in table.columns], rows, widths=widths)
    if table.note:
        found.cell(row=len(rows) + 3, column=1, value=table.note)


def _unique(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts (≤ 31 characters, none of []:*?/\\), not used yet."""
    base = "".join(c for c in title if c not in "[]:*?/\\")[:MAX_SHEET_TITLE]
    name, n = base, 2
    while name.lower() in {u.lower() for u in used}:
        suffix = f" ({n})"
        name = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        n += 1
    used.add(name)
    return name
