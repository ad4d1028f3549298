"""Partial ISO dates (YYYY, YYYY-MM, YYYY-MM-DD) as the reference data states them.

For "as of" questions a partial date reads as the first day of its month or year; the
precision is kept so that pages can show "1995-02" rather than a day nobody confirmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

YEAR, MONTH, DAY = "year", "month", "day"
PRECISION_CHOICES = [(DAY, "day"), (MONTH, "month"), (YEAR, "year")]

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PartialDate:
    value: date
    precision: str

    def __str__(self) -> str:
        return format_partial(self.value, self.precision)


def parse_partial(text: str) -> PartialDate:
    """Parse YYYY, YYYY-MM or YYYY-MM-DD; raises ValueError naming what is wrong."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    try:
        if day is not None:
            return PartialDate(date(int(year), int(month), int(day)), DAY)
        if month is not None:
            return PartialDate(date(int(year), int(month), 1), MONTH)
        return PartialDate(date(int(year), 1, 1), YEAR)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a valid date ({exc})") from exc


def today() -> date:
    """Today in the deployment's time zone: the one place "today" comes from, so that every
    default as-of date agrees (and tests can freeze it here)."""
    from django.utils import timezone

    return timezone.localdate()


def format_partial(value: date | None, precision: str) -> str:
    if value is None:
        return ""
    if precision == YEAR:
        return f"{value.year:04d}"
    if precision == MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()
