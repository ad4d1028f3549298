"""The formulas behind the indicators (no Django here): ratios, Gini and Lorenz, Herfindahl,
medians, score histograms, and the one rounding rule the API applies to every number.

docs/analytics.md defines each one; tests/analytics/test_measures.py checks them without a
database. Every function takes plain numbers and answers None where the measure is undefined
(no values, a zero total), never a made-up 0.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

# The API rounds every computed number (never a count) to this many decimals, once, as it
# writes the answer: docs/analytics.md, "Rounding".
DECIMALS = 4

Number = int | float


def rounded(value: float | None) -> float | None:
    """`value` rounded to DECIMALS (half to even, as Python's round); None stays None."""
    return None if value is None else round(value, DECIMALS)


def ratio(numerator: Number, denominator: Number) -> float | None:
    """numerator / denominator; None when the denominator is zero."""
    return None if denominator == 0 else numerator / denominator


def mean(values: Sequence[Number]) -> float | None:
    """The arithmetic mean; None for no values."""
    return sum(values) / len(values) if values else None


def median(values: Sequence[Number]) -> float | None:
    """The median (the mean of the two middle values for an even count); None for none."""
    return float(statistics.median(values)) if values else None


def gini(values: Sequence[Number]) -> float | None:
    """The Gini coefficient of non-negative values: 0 when all are equal, (n-1)/n when one
    holds everything. None when there are no values or they sum to zero.

    With the values sorted ascending and ranked i = 1..n:
    G = 2 * sum(i * x_i) / (n * sum(x)) - (n + 1) / n.
    """
    if any(v < 0 for v in values):
        raise ValueError("Gini needs non-negative values.")
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return None
    weighted = sum(rank * v for rank, v in enumerate(sorted(values), 1))
    return 2 * weighted / (n * total) - (n + 1) / n


def lorenz(values: Sequence[Number]) -> list[tuple[float, float]] | None:
    """The Lorenz curve: (share of holders, share of the total they hold), poorest first,
    from (0, 0) to (1, 1), one point per holder. None when the total is zero."""
    n, total = len(values), sum(values)
    if n == 0 or total == 0:
        return None
    points = [(0.0, 0.0)]
    running: Number = 0
    for rank, v in enumerate(sorted(values), 1):
        running += v
        points.append((rank / n, running / total))
    return points


def hhi(values: Sequence[Number]) -> float | None:
    """The Herfindahl-Hirschman index of shares: sum((x / total)^2), from 1/n (even) to 1
    (one holder has everything). None when the total is zero."""
    total = sum(values)
    if total == 0:
        return None
    return sum((v / total) ** 2 for v in values)


HISTOGRAM_BINS = 10


def histogram_bin(score: float) -> int:
    """The bin of a score in [0, 1]: bin k holds [k/10, (k+1)/10), the last one also 1.0.

    The score is binned as the API shows it (rounded to DECIMALS), in whole units of the
    last decimal, so a reader can place every published score in its bin by hand.
    """
    if not 0 <= score <= 1:
        raise ValueError(f"A score must be between 0 and 1, not {score}.")
    units = round(round(score, DECIMALS) * 10**DECIMALS)
    return min(units * HISTOGRAM_BINS // 10**DECIMALS, HISTOGRAM_BINS - 1)


def histogram(scores: Sequence[float]) -> list[int]:
    """How many scores fall in each of the ten bins [0, 0.1), [0.1, 0.2), … [0.9, 1.0]."""
    counts = [0] * HISTOGRAM_BINS
    for score in scores:
        counts[histogram_bin(score)] += 1
    return counts
