"""The Django-free parts: the overlap score, assessment periods and revision differences."""

from __future__ import annotations

import math
import random
from datetime import date

import pytest

from coopsec.programmes.overlap import cosine, overlap
from coopsec.programmes.periods import parse_period
from coopsec.programmes.revisions import diff


def _angle_cosine(a: list[int], b: list[int]) -> float:
    """A second computation: through the law of cosines, |a-b|^2 = |a|^2+|b|^2-2|a||b|cos."""
    na, nb = math.hypot(*a), math.hypot(*b)
    if na == 0 or nb == 0:
        return 0.0
    d = math.hypot(*(x - y for x, y in zip(a, b, strict=True)))
    return (na * na + nb * nb - d * d) / (2 * na * nb)


def test_identical_and_proportional_vectors_overlap_fully() -> None:
    assert cosine({"a": 5, "b": 2}, {"a": 5, "b": 2}) == pytest.approx(1.0)
    assert cosine({"a": 4, "b": 2}, {"a": 2, "b": 1}) == pytest.approx(1.0)


def test_disjoint_and_empty_vectors_score_zero() -> None:
    assert cosine({"a": 5, "b": 0}, {"a": 0, "b": 3}) == 0.0
    assert cosine({"a": 0}, {"a": 3}) == 0.0
    assert overlap({}, {"a": 1}).stated is False


def test_cosine_agrees_with_an_independent_computation_on_random_vectors() -> None:
    rng = random.Random(5)
    areas = [f"area{i}" for i in range(18)]
    for _ in range(200):
        a = [rng.randint(0, 5) for _ in areas]
        b = [rng.randint(0, 5) for _ in areas]
        expected = _angle_cosine(a, b)
        got = cosine(dict(zip(areas, a, strict=True)), dict(zip(areas, b, strict=True)))
        assert got == pytest.approx(expected, abs=1e-9)
        assert 0.0 <= got <= 1.0


def test_mismatches_are_listed_in_each_direction_largest_first() -> None:
    result = overlap(
        {"cyber": 5, "logistics": 3, "maritime": 0, "border": 2},
        {"cyber": 1, "logistics": 3, "maritime": 4, "border": 1},
    )
    assert [(g.area, g.size) for g in result.partner_only] == [("cyber", 4), ("border", 1)]
    assert [(g.area, g.size) for g in result.alliance_only] == [("maritime", 4)]
    assert result.stated


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2027", "2027", date(2027, 1, 1), date(2027, 12, 31)),
        ("2027-h1", "2027-H1", date(2027, 1, 1), date(2027, 6, 30)),
        ("2027-H2", "2027-H2", date(2027, 7, 1), date(2027, 12, 31)),
        ("2028-Q1", "2028-Q1", date(2028, 1, 1), date(2028, 3, 31)),
        (" 2027-Q4 ", "2027-Q4", date(2027, 10, 1), date(2027, 12, 31)),
    ],
)
def test_periods(text: str, label: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (label, start, end)


@pytest.mark.parametrize("text", ["2027-H3", "2027-Q5", "27", "2027/1", "", "next year"])
def test_bad_periods_name_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match="2027-H1"):
        parse_period(text)


def test_revision_diff_reports_added_removed_and_changed_entries() -> None:
    before = {
        "programme": {"type": "ITPP", "cycle_end": 2027},
        "objectives": {"1": {"label": "Cyber", "target": "4 officers"}},
        "items": {"7": {"label": "A26-1 course", "planned_seats": 2}, "8": {"label": "old"}},
    }
    after = {
        "programme": {"type": "ITPP", "cycle_end": 2028},
        "objectives": {"1": {"label": "Cyber", "target": "6 officers"}},
        "items": {"7": {"label": "A26-1 course", "planned_seats": 3}, "9": {"label": "new"}},
    }
    result = diff(before, after)
    assert [(c.field, c.before, c.after) for c in result.programme] == [("cycle_end", 2027, 2028)]
    assert [(c.field, c.before, c.after) for c in result.objectives.changed[0].changes] == [
        ("target", "4 officers", "6 officers")
    ]
    assert [e.key for e in result.items.added] == ["9"]
    assert [e.key for e in result.items.removed] == ["8"]
    assert result.items.changed[0].changes[0].after == 3
    assert not result.empty
    assert diff(after, after).empty
