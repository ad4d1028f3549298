"""Geometry of a horizontal timeline: periods as bars on a shared year axis.

Positions are percentages of the axis width, pre-formatted as strings so that templates
emit them as-is (the template engine would localize a float, "12,5" in French, and SVG
would not understand it). Knows nothing about Django or the registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

_NICE_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)


def _pct(value: float) -> str:
    return f"{max(0.0, min(100.0, value)):.3f}"


@dataclass(frozen=True)
class Tick:
    year: int
    x: str


@dataclass(frozen=True)
class Segment:
    """A stretch of a bar in one state (e.g. "active", "suspended")."""

    state: str
    x: str
    width: str


@dataclass(frozen=True)
class Bar:
    segments: list[Segment]
    open_ended: bool


@dataclass(frozen=True)
class YearAxis:
    """From 1 January of `first_year` to 1 January of `last_year + 1`."""

    first_year: int
    last_year: int
    max_ticks: int = 8
    ticks: list[Tick] = field(init=False)

    def __post_init__(self) -> None:
        span = self.last_year - self.first_year + 1
        step = next((s for s in _NICE_STEPS if span / s <= self.max_ticks), _NICE_STEPS[-1])
        first_tick = -(-self.first_year // step) * step
        years = range(first_tick, self.last_year + 1, step)
        object.__setattr__(self, "ticks", [Tick(y, self.x(date(y, 1, 1))) for y in years])

    @property
    def start(self) -> date:
        return date(self.first_year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.last_year + 1, 1, 1)

    def _fraction(self, day: date) -> float:
        total = (self.end - self.start).days
        return 100.0 * (day - self.start).days / total

    def x(self, day: date) -> str:
        """Where a day falls, in percent of the axis."""
        return _pct(self._fraction(day))

    def bar(
        self,
        start: date,
        end: date | None,
        *,
        today: date,
        periods: Iterable[tuple[str, date, date | None]] = (),
        state: str = "active",
    ) -> Bar:
        """A bar from `start` to `end` (or today), with `periods` (state, start, end) drawn
        over it, clipped to the bar."""
        stop = end or today
        segments = [self._segment(state, start, stop)]
        for period_state, period_start, period_end in periods:
            clipped_start = max(period_start, start)
            clipped_stop = min(period_end or stop, stop)
            if clipped_start < clipped_stop:
                segments.append(self._segment(period_state, clipped_start, clipped_stop))
        return Bar(segments=segments, open_ended=end is None)

    def _segment(self, state: str, start: date, stop: date) -> Segment:
        left = max(0.0, self._fraction(start))
        right = min(100.0, self._fraction(stop))
        # A membership that began and ended within days still deserves a visible mark.
        width = max(right - left, 0.4)
        return Segment(state=state, x=_pct(left), width=_pct(width))


def year_axis(days: Iterable[date], *, today: date, max_ticks: int = 8) -> YearAxis:
    """An axis from the year of the earliest day to the end of the current year."""
    years = [d.year for d in days]
    first = min(years, default=today.year)
    return YearAxis(first_year=min(first, today.year), last_year=today.year, max_ticks=max_ticks)
