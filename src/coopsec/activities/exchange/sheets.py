"""Spreadsheet files as rows and cells: reading .csv and .xlsx, converting cells (dates in
the usual spreadsheet forms, numbers, amounts, yes/no, lists), the import report, and writing
files. No database here: what the rows mean is the business of activities.py and
nominations.py.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ROWS = 50_000
LIST_SEPARATOR = ";"
# A text starting with one of these is a formula to a spreadsheet program. Exported CSV
# cells get a leading apostrophe, which import takes off again.
FORMULA_STARTS = ("=", "+", "-", "@")


# --- the report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One reason a file or a row was refused. Rows are numbered as the spreadsheet shows
    them (the header is row 1); row 0 is the file as a whole."""

    file: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        column = f" [{self.column}]" if self.column else ""
        return f"{where}{column}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did, or would do: counts, and every problem found."""

    file: str
    kind: str  # "activities" or "nominations"
    dry_run: bool = False
    skip_invalid: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    states: Counter[str] = field(default_factory=Counter)  # nominations by resulting state
    problems: list[Problem] = field(default_factory=list)
    written: bool = False  # whether the accepted rows were committed

    def problem(self, row: int, column: str, reason: str) -> None:
        self.problems.append(Problem(self.file, row, column, reason))

    @property
    def refused(self) -> int:
        """Rows with at least one problem."""
        return len({p.row for p in self.problems if p.row})

    @property
    def ok(self) -> bool:
        return not self.problems


# --- reading a sheet -----------------------------------------------------------------------


@dataclass
class SheetRow:
    number: int
    cells: dict[str, object]


def _column_name(value: object) -> str:
    """Header cells are matched loosely: "Primary area" and "primary-area" name primary_area."""
    return re.sub(r"[\s\-]+", "_", str(value if value is not None else "").strip().lower())


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet_format(file: str, content: bytes) -> str:
    suffix = PurePath(file).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".xls", ".ods", ".numbers"):
        return suffix
    return "xlsx" if content[:2] == b"PK" else "csv"


def _csv_records(report: ImportReport, content: bytes) -> Generator[list[object]] | None:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report.problem(
            0,
            "",
            _(
                "The file is not UTF-8 text (byte %(position)s). In Excel, save it as "
                "“CSV UTF-8 (comma delimited)”, or upload the .xlsx workbook."
            )
            % {"position": exc.start},
        )
        return None
    first_line = text.split("\n", 1)[0]
    # European spreadsheet programs write ";"-separated CSV; the header tells which it is.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def records() -> Generator[list[object]]:
        try:
            for record in reader:
                yield list(record)
        except csv.Error as exc:
            report.problem(
                reader.line_num, "", _("The CSV text is malformed (%(error)s).") % {"error": exc}
            )

    return records()


def _xlsx_records(
    report: ImportReport, content: bytes, sheet_name: str
) -> Generator[list[object]] | None:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        report.problem(
            0, "", _("The file is not a readable .xlsx workbook (%(error)s).") % {"error": exc}
        )
        return None
    names = {name.lower(): name for name in workbook.sheetnames}
    sheet = workbook[names.get(sheet_name, workbook.sheetnames[0])]

    def records() -> Generator[list[object]]:
        try:
            for values in sheet.iter_rows(values_only=True):
                yield list(values)
        except Exception as exc:  # a damaged workbook fails while its rows are parsed
            report.problem(0, "", _("The workbook is damaged (%(error)s).") % {"error": exc})
        finally:
            workbook.close()

    return records()


def read_sheet(
    report: ImportReport,
    content: bytes,
    *,
    columns: tuple[str, ...],
    required: tuple[str, ...],
    sheet_name: str,
) -> list[SheetRow] | None:
    """The data rows of a .csv or .xlsx file, each a dict of the known columns it has.

    A file that cannot be read, or whose header has unknown, repeated or missing columns, is
    reported (row 0 or 1) and gives None: rows read under a wrong header would only bury the
    real problem under its consequences.
    """
    kind = _sheet_format(report.file, content)
    if kind not in FORMATS:
        report.problem(
            0,
            "",
            _("%(kind)s files are not read; save the sheet as .xlsx or as CSV UTF-8.")
            % {"kind": kind},
        )
        return None
    records = (
        _csv_records(report, content)
        if kind == "csv"
        else _xlsx_records(report, content, sheet_name)
    )
    if records is None:
        return None
    try:
        return _rows(report, records, columns=columns, required=required)
    finally:
        records.close()  # an .xlsx workbook stays open until its rows are closed


def _rows(
    report: ImportReport,
    records: Iterator[list[object]],
    *,
    columns: tuple[str, ...],
    required: tuple[str, ...],
) -> list[SheetRow] | None:
    header: list[str] | None = None
    rows: list[SheetRow] = []
    headerless: set[int] = set()  # positions of columns with values but no header
    for number, record in enumerate(records, start=1):
        if header is None:
            header = [_column_name(value) for value in record]
            if not _header_ok(report, header, columns, required):
                return None
            continue
        if all(is_blank(value) for value in record):
            continue
        if len(rows) >= MAX_ROWS:
            report.problem(
                0,
                "",
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": MAX_ROWS},
            )
            return None
        cells: dict[str, object] = {}
        for position, value in enumerate(record):
            name = header[position] if position < len(header) else ""
            if name:
                cells[name] = value
            elif not is_blank(value):
                headerless.add(position)
        rows.append(SheetRow(number, cells))
    if header is None:
        report.problem(0, "", _("The file is empty; the first row must name the columns."))
        return None
    for position in sorted(headerless):
        report.problem(
            1,
            get_column_letter(position + 1),
            _("This column holds values but has no header, so they cannot be read."),
        )
    if report.problems:
        return None
    report.rows = len(rows)
    return rows


def _header_ok(
    report: ImportReport, header: list[str], columns: tuple[str, ...], required: tuple[str, ...]
) -> bool:
    ok = True
    seen: set[str] = set()
    for position, name in enumerate(header):
        if not name:
            continue
        letter = get_column_letter(position + 1)
        if name not in columns:
            report.problem(
                1,
                letter,
                _("Unknown column “%(name)s”; the columns are: %(columns)s.")
                % {"name": name, "columns": ", ".join(columns)},
            )
            ok = False
        elif name in seen:
            report.problem(1, letter, _("The column “%(name)s” appears twice.") % {"name": name})
            ok = False
        seen.add(name)
    for name in required:
        if name not in seen:
            report.problem(1, name, _("This column is required."))
            ok = False
    return ok


# --- converting cells ----------------------------------------------------------------------

_MONTHS = {
    "january": 1, "jan": 1, "janvier": 1, "janv": 1,
    "february": 2, "feb": 2, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "fév": 2,
    "march": 3, "mar": 3, "mars": 3,
    "april": 4, "apr": 4, "avril": 4, "avr": 4,
    "may": 5, "mai": 5,
    "june": 6, "jun": 6, "juin": 6,
    "july": 7, "jul": 7, "juillet": 7, "juil": 7,
    "august": 8, "aug": 8, "août": 8, "aout": 8,
    "september": 9, "sep": 9, "sept": 9, "septembre": 9,
    "october": 10, "oct": 10, "octobre": 10,
    "november": 11, "nov": 11, "novembre": 11,
    "december": 12, "dec": 12, "décembre": 12, "decembre": 12, "déc": 12,
}  # fmt: skip
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d+)$")
_DAY_MONTH_NAME = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th|er)?[\s\-]+([^\W\d_]+)\.?,?[\s\-]+(\d+)$", re.IGNORECASE
)
_MONTH_NAME_DAY = re.compile(
    r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d+)$", re.IGNORECASE
)
# Excel's serial day numbers, for a date cell that lost its date format.
_EXCEL_SERIALS = (1, 2_958_465)


def parse_date(value: object) -> date | None:
    """A date from a spreadsheet cell, or None when the cell is empty.

    Accepted: date cells; 2027-03-01; 2027/03/01; day first 01/03/2027, 1.3.2027 or
    01-03-2027 (never month first); 1 March 2027, 1 mars 2027, 1-Mar-2027, March 1, 2027;
    an Excel serial day number. Years have four digits. Raises ValueError with the reason.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not a date.") % {"value": value})
    if isinstance(value, int | float):
        if _EXCEL_SERIALS[0] <= value <= _EXCEL_SERIALS[1]:
            result = from_excel(value)
            if isinstance(result, datetime):
                return result.date()
        raise ValueError(_("The number %(value)s is not a date.") % {"value": value})
    text = " ".join(str(value).split())
    if not text:
        return None
    year: str
    month: str | int
    day: str
    if match := _ISO_DATE.match(text) or _YEAR_FIRST.match(text):
        year, month, day = match.groups()
    elif match := _DAY_FIRST.match(text):
        day, _separator, month, year = match.groups()
        if int(month) > 12 and int(day) <= 12:
            raise ValueError(
                _(
                    "“%(value)s” has no month %(month)s: dates are read day first "
                    "(DD/MM/YYYY), never month first."
                )
                % {"value": text, "month": int(month)}
            )
    elif (match := _DAY_MONTH_NAME.match(text)) or (match := _MONTH_NAME_DAY.match(text)):
        if match.re is _DAY_MONTH_NAME:
            day, name, year = match.groups()
        else:
            name, day, year = match.groups()
        found = _MONTHS.get(name.lower().rstrip("."))
        if found is None:
            raise ValueError(
                _("“%(value)s”: “%(name)s” is not a month.") % {"value": text, "name": name}
            )
        month = found
    else:
        raise ValueError(
            _(
                "“%(value)s” is not a date; write 2027-03-01, 01/03/2027 (day first) or "
                "1 March 2027."
            )
            % {"value": text}
        )
    if len(year) != 4:
        raise ValueError(_("“%(value)s”: write the year with four digits.") % {"value": text})
    try:
        return date(int(year), int(month), int(day))
    except ValueError as exc:
        raise ValueError(
            _("“%(value)s” is not a valid date (%(error)s).") % {"value": text, "error": exc}
        ) from exc


_TRUE = {"yes", "true", "1", "y", "oui", "vrai", "x"}
_FALSE = {"no", "false", "0", "n", "non", "faux", ""}


def cell_text(value: object) -> str:
    """A cell as text: numbers without a spurious ".0", dates in ISO form, newlines as \\n."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


class Cells:
    """One row's cells, converted column by column; each failure is reported once, and
    `failed` remembers which columns did not convert."""

    def __init__(self, report: ImportReport, row: SheetRow):
        self.report = report
        self.row = row
        self.failed: set[str] = set()

    def has(self, column: str) -> bool:
        return column in self.row.cells

    def fail(self, column: str, reason: str) -> None:
        self.failed.add(column)
        self.report.problem(self.row.number, column, reason)

    def text(self, column: str) -> str:
        return cell_text(self.row.cells.get(column))

    def date(self, column: str) -> date | None:
        try:
            return parse_date(self.row.cells.get(column))
        except ValueError as exc:
            self.fail(column, str(exc))
            return None

    def whole(self, column: str) -> int | None:
        value = self.row.cells.get(column)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        text = cell_text(value).replace(" ", "")
        if not text:
            return None
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        self.fail(column, _("“%(value)s” is not a whole number.") % {"value": text})
        return None

    def amount(self, column: str) -> Decimal | None:
        value = self.row.cells.get(column)
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return Decimal(str(value))
        text = cell_text(value).replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        if not text:
            return None
        # A decimal comma (1200,50) is accepted; three digits after a comma or a point could
        # be a thousands separator (1.250 or 1,250), so that is refused rather than guessed.
        if re.fullmatch(r"\d+,\d{1,2}", text):
            text = text.replace(",", ".")
        if re.fullmatch(r"\d+(\.\d{1,2})?", text):
            try:
                return Decimal(text)
            except InvalidOperation:
                pass
        self.fail(
            column,
            _("“%(value)s” is not an amount; write digits with a decimal point, e.g. 1250.00.")
            % {"value": text},
        )
        return None

    def flag(self, column: str) -> bool:
        value = self.row.cells.get(column)
        if isinstance(value, bool):
            return value
        text = cell_text(value).lower()
        if text in _TRUE:
            return True
        if text not in _FALSE:
            self.fail(column, _("“%(value)s” is not yes or no.") % {"value": text})
        return False

    def items(self, column: str) -> list[str]:
        return [part.strip() for part in self.text(column).split(LIST_SEPARATOR) if part.strip()]


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(rows: Iterable[dict[str, object]], columns: tuple[str, ...]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel reads the accents right."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_value(row.get(column)) for column in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(
    rows: Iterable[dict[str, object]],
    columns: tuple[str, ...],
    *,
    sheet_name: str,
    widths: dict[str, int] | None = None,
) -> bytes:
    """A workbook with a bold, frozen header row, a filter, set column widths, and date
    cells for dates. Text is always stored as text, never as a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.freeze_panes = "A2"
    for position, column in enumerate(columns, start=1):
        width = max((widths or {}).get(column, 14), len(column) + 2)
        sheet.column_dimensions[get_column_letter(position)].width = width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        cells: list[object] = []
        for column in columns:
            value = row.get(column)
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            elif isinstance(value, Decimal):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "0.00"
                cells.append(cell)
            elif isinstance(value, str):
                # Control characters cannot be stored in a workbook; formulas must not be.
                cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
