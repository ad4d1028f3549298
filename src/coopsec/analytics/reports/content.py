"""What a report holds, independent of its format: parts (one per section), each with a few
findings in words, charts (as series of numbers) and tables (headed columns of values).

`pdf.py` draws the parts, `xlsx.py` writes their tables; `parts.py` builds them from the
analytics selectors with the requesting actor, so a report holds exactly what its reader may
see on the pages and through the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _

from coopsec.analytics import access
from coopsec.analytics.models import STATE_OF_NETWORK, ReportFormat
from coopsec.documents import PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE

CONTENT_TYPES: dict[str, str] = {
    ReportFormat.PDF: PDF_CONTENT_TYPE,
    ReportFormat.XLSX: XLSX_CONTENT_TYPE,
}

Value = str | int | float | Decimal | date | bool | None


@dataclass(frozen=True)
class Column:
    label: str
    # How a value is shown: "text", "int", "number" (up to 4 decimals), "percent" (a 0-100
    # figure), "money", "date", "bool".
    kind: str = "text"


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Value]]
    note: str = ""  # e.g. why cells are empty (withheld from the reader)
    # The PDF shows at most this many rows (with a line saying how many more the workbook
    # has); the workbook always has them all.
    pdf_rows: int = 40


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | None]


@dataclass(frozen=True)
class Chart:
    kind: Literal["bar", "line", "hbar"]
    title: str
    categories: list[str]
    series: list[Series]
    y_title: str = ""
    # Only for "line": draw a dashed horizontal reference line at this value (e.g. parity 1).
    reference: float | None = None

    @property
    def empty(self) -> bool:
        """Nothing to draw: no categories, no value, or a line through fewer than two."""
        if self.kind == "line" and len(self.categories) < 2:
            return True
        return not self.categories or all(v is None for s in self.series for v in s.values)


@dataclass
class Part:
    """One section of a report."""

    section: str
    heading: str
    question: str  # the question the section answers, as the page's lead says it
    findings: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


@dataclass
class Document:
    """A whole report: what was asked, by whom, when, and its parts."""

    title: str
    subtitle: str  # the filters in words
    requested_by: str
    generated_at: str
    definitions_version: str
    filters: list[tuple[str, str]]  # (filter, value) pairs for the cover and the first sheet
    parts: list[Part]


def heading_of(section: str) -> str:
    """A section's name as its page heads it (the state of the network report's too)."""
    headings = {
        access.AREA_BALANCE: _("Area balance"),
        access.OVERLAP: _("Interest overlap"),
        access.ATTENTION: _("Attention balance"),
        access.DEPTH_BREADTH: _("Depth vs breadth"),
        access.NETWORK: _("Partnership network"),
        access.REDUNDANCY: _("Redundancy"),
        STATE_OF_NETWORK: _("State of the partnership network"),
    }
    return headings.get(section, section)
