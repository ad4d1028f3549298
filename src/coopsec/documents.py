"""What every exported document shares: workbook sheets with a bold frozen header and real
dates and numbers, text that reportlab's built-in Helvetica can draw, the house colours, and a
canvas that writes "page n of N" under every page of a PDF.

Used by the programme documents (`programmes/documents.py`) and the analytics reports
(`analytics/reports/`). Helvetica's encoding (Windows-1252) covers the accents of the
alliance's working languages; characters outside it are written without their accents rather
than as missing glyphs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"

INK = "#1b2733"
ACCENT = "#1f4e79"
RULE = "#c5ced8"
SHADE = "#e9eef4"
MUTED = "#4a5765"
DASH = "\u2014"
MARGIN = 18 * mm
FRAME_PADDING = 6  # points inside the page template's frame, on each side


# Letters that have no accent to drop (NFKD leaves them whole) but an obvious plain form.
_PLAIN_LETTERS = str.maketrans("ıłŁđĐħĦŧŦ", "ilLdDhHtT")
# Signs outside Helvetica's encoding that the built-in Symbol font draws.
_SYMBOLS = {"\u2190": "<-", "\u2192": "->", "\u2194": "<->", "\u2264": "<=", "\u2265": ">="}


def _pdf_char(char: str, markup: bool) -> str:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        if char in _SYMBOLS:
            return f'<font face="Symbol">{char}</font>' if markup else _SYMBOLS[char]
        plain = (
            unicodedata.normalize("NFKD", char.translate(_PLAIN_LETTERS))
            .encode("cp1252", "ignore")
            .decode("cp1252")
        )
        return (escape(plain) if markup else plain) or "?"
    return escape(char) if markup else char


def pdf_text(value: object) -> str:
    """Text for a Paragraph: markup escaped, arrows from the Symbol font, and other
    characters Helvetica cannot draw written without their accents (or as '?'), never as
    missing glyphs."""
    return "".join(_pdf_char(c, True) for c in ("" if value is None else str(value)))


def pdf_plain(value: object) -> str:
    """Text drawn on the canvas (no markup), with the same substitutions."""
    return "".join(_pdf_char(c, False) for c in ("" if value is None else str(value)))


class NumberedCanvas(Canvas):
    """Draws the footer on every page with "page n of N", once N is known: pages are kept
    until the document is saved."""

    def __init__(self, *args: Any, footer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width, _height = self._pagesize
        self.saveState()
        self.setStrokeColor(HexColor(RULE))
        self.setLineWidth(0.5)
        left, right = MARGIN + FRAME_PADDING, width - MARGIN - FRAME_PADDING
        self.line(left, 15 * mm, right, 15 * mm)
        self.setFont("Helvetica", 7.5)
        self.setFillColor(HexColor(MUTED))
        self.drawString(left, 10.5 * mm, self._footer)
        page = _("Page %(page)d of %(total)d") % {"page": self._pageNumber, "total": total}
        self.drawRightString(right, 10.5 * mm, pdf_plain(page))
        self.restoreState()


# --- workbooks ---


def sheet(
    workbook: Workbook,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    widths: Sequence[int],
) -> Worksheet:
    """A sheet with a bold, frozen header row, set column widths, real dates and numbers,
    and text that is always text (never a formula)."""
    # Sheet titles are at most 31 characters and cannot hold []:*?/\ (a translation might).
    name = "".join(c for c in title if c not in "[]:*?/\\")[:31]
    sheet = workbook.create_sheet(name)
    sheet.append([str(h) for h in header])
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    top = Alignment(vertical="top", wrap_text=True)
    for row, values in enumerate(rows, 2):
        for column, value in enumerate(values, 1):
            cell = sheet.cell(row=row, column=column)
            if isinstance(value, str):
                cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell.data_type = "s"
                cell.alignment = top
            else:
                cell.value = value
                if isinstance(value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, float):
                    cell.number_format = "0.00"
                cell.alignment = Alignment(vertical="top")
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    return sheet
