"""Assessment periods: a year (2027), a half (2027-H1) or a quarter (2027-Q3)."""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]))?$")


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def parse_period(text: str) -> Period:
    """Parse a period label. Raises ValueError naming the accepted forms."""
    match = _PATTERN.match(text.strip().upper())
    if match is None:
        raise ValueError(f"'{text}' is not a period; use 2027, 2027-H1 or 2027-Q3.")
    year, part = int(match.group(1)), match.group(2)
    if part is None:
        first, last = 1, 12
    elif part[0] == "H":
        first = 1 if part == "H1" else 7
        last = first + 5
    else:
        first = (int(part[1]) - 1) * 3 + 1
        last = first + 2
    label = f"{year}-{part}" if part else str(year)
    return Period(label, date(year, first, 1), date(year, last, monthrange(year, last)[1]))
