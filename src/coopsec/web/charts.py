"""Shapes chart data for the browser: the JSON a chart script reads (through json_script)
and the same numbers as table rows, for readers who cannot see the chart. Knows nothing
about Django or the registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StackedChart:
    data: dict[str, Any]  # what static/web/*.js reads
    columns: list[tuple[str, str]]  # (label, full name) per series, in stacking order
    rows: list[tuple[int, list[int]]]  # (year, value per series)


def stacked_by_year(
    years: list[int],
    series: dict[str, list[int]],
    *,
    labels: dict[str, str],
    names: dict[str, str],
    base: str | None = None,
    y_title: str = "",
) -> StackedChart:
    """Series stacked with `base` at the bottom, then the largest totals first."""
    codes = sorted(series, key=lambda c: (c != base, -sum(series[c]), c))
    data = {
        "years": years,
        "series": [
            {
                "code": code,
                "label": labels.get(code, code),
                "name": names.get(code, labels.get(code, code)),
                "data": series[code],
            }
            for code in codes
        ],
        "yTitle": y_title,
    }
    return StackedChart(
        data=data,
        columns=[(labels.get(code, code), names.get(code, "")) for code in codes],
        rows=[(year, [series[code][i] for code in codes]) for i, year in enumerate(years)],
    )
