"""The indicator formulas, without a database: known values and the edge cases
docs/analytics.md promises (None where a measure is undefined, never a made-up 0)."""

from __future__ import annotations

import pytest

from coopsec.analytics.measures import (
    gini,
    hhi,
    histogram,
    histogram_bin,
    lorenz,
    mean,
    median,
    ratio,
    rounded,
)


def test_gini_of_equal_shares_is_zero_and_of_one_holder_is_n_minus_one_over_n() -> None:
    assert gini([5, 5, 5, 5]) == 0
    assert gini([0, 0, 0, 12]) == pytest.approx(3 / 4)
    # Mean absolute difference / (2 * mean): pairs |1-2|,|1-3|,|2-3| twice = 8; 8/(2*9*2).
    assert gini([1, 2, 3]) == pytest.approx(8 / 36)
    assert gini([3, 1, 2]) == gini([1, 2, 3])


def test_gini_is_undefined_without_values_or_without_a_total() -> None:
    assert gini([]) is None
    assert gini([0, 0]) is None
    assert gini([7]) == 0
    with pytest.raises(ValueError, match="non-negative"):
        gini([1, -1])


def test_lorenz_runs_from_the_origin_to_one_poorest_first() -> None:
    assert lorenz([3, 1]) == [(0.0, 0.0), (0.5, 0.25), (1.0, 1.0)]
    assert lorenz([]) is None
    assert lorenz([0, 0]) is None


def test_hhi_runs_from_one_over_n_to_one() -> None:
    assert hhi([1, 1, 1, 1]) == pytest.approx(0.25)
    assert hhi([0, 9]) == 1
    assert hhi([3, 1]) == pytest.approx(0.75**2 + 0.25**2)
    assert hhi([]) is None
    assert hhi([0]) is None


def test_median_mean_and_ratio() -> None:
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 2, 3]) == 2.5
    assert median([]) is None
    assert mean([1, 2]) == 1.5
    assert mean([]) is None
    assert ratio(1, 4) == 0.25
    assert ratio(3, 0) is None


def test_rounding_is_to_four_decimals_once() -> None:
    assert rounded(2 / 3) == 0.6667
    assert rounded(None) is None
    assert rounded(0.12344999) == 0.1234


def test_histogram_bins_are_tenths_with_one_in_the_last() -> None:
    assert histogram_bin(0) == 0
    assert histogram_bin(0.0999) == 0
    assert histogram_bin(0.1) == 1
    assert histogram_bin(0.3) == 3  # 0.3 * 10 is 3.0000000000000004 in floating point
    assert histogram_bin(0.7) == 7
    assert histogram_bin(0.99999) == 9  # shown as 1.0, in the last bin like 1.0
    assert histogram_bin(1.0) == 9
    # A score is binned as published: 0.29999 is shown as 0.3, so it sits in [0.3, 0.4).
    assert histogram_bin(0.299996) == 3
    assert histogram([0.05, 0.15, 0.95, 1.0]) == [1, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    with pytest.raises(ValueError, match="between 0 and 1"):
        histogram_bin(1.5)
