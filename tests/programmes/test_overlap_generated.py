"""Issue 5's check: on generated data, the overlap score the API gives for every partner
equals a computation made here from the stored priority rows alone (the newest version of
each side), without the application's selectors or its cosine function."""

from __future__ import annotations

import math
from collections import defaultdict

import pytest
from django.test import Client

from coopsec.programmes.models import InterestPriority, InterestVersion
from tests.programmes.test_generator import history, programmes

pytestmark = pytest.mark.django_db


def _newest_vectors() -> dict[str, dict[str, dict[str, int]]]:
    """partner code -> side -> {area code: priority}, from the newest version of each side."""
    newest: dict[tuple[str, str], tuple[int, int]] = {}
    for pk, partner, side, number in InterestVersion.objects.values_list(
        "pk", "partner__code", "side", "number"
    ):
        if (partner, side) not in newest or number > newest[(partner, side)][0]:
            newest[(partner, side)] = (number, pk)
    wanted = {pk: key for key, (_number, pk) in newest.items()}
    vectors: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for version_id, area, priority in InterestPriority.objects.filter(
        version_id__in=wanted
    ).values_list("version_id", "area__code", "priority"):
        partner, side = wanted[version_id]
        vectors[partner][side][area] = priority
    return vectors


def _cosine_by_sums(a: dict[str, int], b: dict[str, int]) -> float:
    areas = sorted(set(a) | set(b))
    x = [a.get(k, 0) for k in areas]
    y = [b.get(k, 0) for k in areas]
    norms = math.fsum(v * v for v in x) * math.fsum(v * v for v in y)
    return math.fsum(p * q for p, q in zip(x, y, strict=True)) / math.sqrt(norms) if norms else 0.0


def test_the_apis_overlap_equals_an_independent_computation(
    reference: None, api_client: Client
) -> None:
    history(seed=11)
    programmes(seed=11)
    vectors = _newest_vectors()
    both_sides = {p: s for p, s in vectors.items() if {"partner", "alliance"} <= set(s)}
    assert len(both_sides) >= 10, sorted(vectors)
    for partner, sides in sorted(both_sides.items()):
        body = api_client.get(f"/api/v1/partners/{partner}/overlap").json()
        expected = _cosine_by_sums(sides["partner"], sides["alliance"])
        assert body["score"] == pytest.approx(expected, abs=1e-9), partner
        # The mismatch lists name exactly the areas where one side exceeds the other.
        wants_more = {k for k, v in sides["partner"].items() if v > sides["alliance"].get(k, 0)}
        assert {g["area"] for g in body["partner_only"]} == wants_more, partner
