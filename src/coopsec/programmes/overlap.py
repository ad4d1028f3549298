"""How far the alliance's offer meets a partner's interests (no Django here).

The score is the cosine similarity of the two priority vectors over the same areas: 1 when
the alliance offers in proportion to what the partner wants, 0 when they share no area (or
when either side has stated nothing). Mismatches are listed in each direction, largest gap
first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Gap:
    area: str
    partner: int
    alliance: int

    @property
    def size(self) -> int:
        return abs(self.partner - self.alliance)


@dataclass(frozen=True)
class Overlap:
    score: float
    partner_only: list[Gap]  # the partner wants more than the alliance offers
    alliance_only: list[Gap]  # the alliance offers more than the partner wants
    stated: bool  # both sides have stated at least one non-zero priority


def cosine(a: Mapping[str, int], b: Mapping[str, int]) -> float:
    """Cosine similarity of two sparse non-negative vectors; 0.0 when either is all zero."""
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    norm_a = math.sqrt(sum(v * v for v in a.values()))
    norm_b = math.sqrt(sum(v * v for v in b.values()))
    if norm_a == 0 or norm_b == 0:
        return 0.0
    return min(1.0, dot / (norm_a * norm_b))


def overlap(partner: Mapping[str, int], alliance: Mapping[str, int]) -> Overlap:
    """The score and the mismatched areas of two priority maps (area code -> 0..5)."""
    areas = sorted(set(partner) | set(alliance))
    gaps = [Gap(area, partner.get(area, 0), alliance.get(area, 0)) for area in areas]
    order = lambda g: (-g.size, g.area)  # noqa: E731
    return Overlap(
        score=cosine(partner, alliance),
        partner_only=sorted((g for g in gaps if g.partner > g.alliance), key=order),
        alliance_only=sorted((g for g in gaps if g.alliance > g.partner), key=order),
        stated=any(partner.values()) and any(alliance.values()),
    )
