"""Reads of the analytics: one selector per section, each taking the acting user and the
shared filters, answering a dataclass. The sections live in `analytics/sections/`; their
counting rules are in `sections/base.py` and docs/analytics.md."""

from __future__ import annotations

from coopsec.analytics.sections.area_balance import (
    AreaBalance,
    AreaDrillDown,
    area_balance,
    area_drill_down,
)
from coopsec.analytics.sections.attention import Attention, attention
from coopsec.analytics.sections.base import DEFINITIONS_VERSION
from coopsec.analytics.sections.depth_breadth import DepthBreadth, depth_breadth
from coopsec.analytics.sections.overlap import InterestOverlap, interest_overlap

__all__ = [
    "DEFINITIONS_VERSION",
    "AreaBalance",
    "AreaDrillDown",
    "Attention",
    "DepthBreadth",
    "InterestOverlap",
    "area_balance",
    "area_drill_down",
    "attention",
    "depth_breadth",
    "interest_overlap",
]
