"""The analytics API's redundancy section (mounted into analytics/api.py's router):
`GET /api/v1/analytics/redundancy`, pairs of offered activities that look like duplicates.

docs/analytics.md, "Redundancy", defines every figure. Scores and similarities are rounded
once, to `measures.DECIMALS`; costs are exact to the cent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

# Defined before analytics/api.py is imported: that module mounts this router as it loads,
# so importing this module first must find the router already there.
router = Router(tags=["analytics"], by_alias=True)

from coopsec.activities.api import Code  # noqa: E402
from coopsec.analytics.api import FiltersOut, FiltersQuery  # noqa: E402
from coopsec.analytics.sections import redundancy as section  # noqa: E402
from coopsec.analytics.sections.base import DEFINITIONS_VERSION  # noqa: E402
from coopsec.analytics.similarity import TEXT_WEIGHT, TITLE_WEIGHT  # noqa: E402
from coopsec.api.auth import actor_of  # noqa: E402


class RedundancyQuery(FiltersQuery):
    """The shared filters, and how close and how alike two activities must be."""

    window_days: Code = Field(
        "",
        description=f"days between one activity's end and the other's start, at most "
        f"(0-{section.MAX_WINDOW_DAYS}; default {section.DEFAULT_WINDOW_DAYS})",
    )
    threshold: Code = Field(
        "",
        description=f"the lowest score listed (above 0, at most 1; "
        f"default {section.DEFAULT_THRESHOLD})",
    )
    limit: Code = Field(
        "",
        description=f"pairs listed, best first (1-{section.MAX_LIMIT}; "
        f"default {section.DEFAULT_LIMIT})",
    )

    def params(self) -> dict[str, str]:
        return {
            "from": self.year_from, "to": self.year_to, "framework": self.framework,
            "region": self.region, "area": self.area, "host": self.host, "type": self.type,
            "window_days": self.window_days, "threshold": self.threshold, "limit": self.limit,
        }  # fmt: skip


class RedundancyActivityOut(Schema):
    code: str
    title: str
    host: str = Field(description="host institution's code")
    start: date
    end: date
    seats: int
    cost: float = Field(description="seats x cost per seat (tuition and accommodation)")


class RedundancyPairOut(Schema):
    activity_a: RedundancyActivityOut = Field(description="the one starting first (then by code)")
    activity_b: RedundancyActivityOut
    area: str = Field(description="their primary area (code)")
    days_apart: int = Field(
        description="from the first one's end to the second's start; 0: they overlap"
    )
    title_similarity: float | None = Field(description="Jaccard similarity of the titles' words")
    text_similarity: float | None = Field(
        description="of the descriptions' words; null when either has none"
    )
    score: float = Field(description="0.6 x title + 0.4 x text similarity")
    seats: int = Field(description="both activities' seats")
    cost: float = Field(description="both activities' cost")


class RedundancyAreaOut(Schema):
    area: str
    pairs: int
    activities: int = Field(description="activities in at least one pair, each counted once")
    seats: int
    cost: float


class RedundancyWeights(Schema):
    title: float
    text: float


class RedundancySummary(Schema):
    filters: FiltersOut
    ignored_filters: list[str] = Field(description="filters given that do not apply here")
    pairs: int = Field(description="every pair found (rows lists the best `limit`)")
    activities: int = Field(description="activities in at least one pair, each counted once")
    seats_involved: int = Field(description="their seats")
    cost_involved: float = Field(description="their cost: seats x cost per seat")
    threshold: float
    window_days: int
    limit: int
    weights: RedundancyWeights
    by_area: list[RedundancyAreaOut]
    bilateral: None = Field(
        description="pairs with recorded bilateral initiatives: null, none are recorded yet"
    )
    bilateral_note: str


class RedundancyOut(Schema):
    definitions_version: str
    rows: list[RedundancyPairOut]
    summary: RedundancySummary


def _money(value: Decimal) -> float:
    return float(value)


def _activity(side: section.Side) -> dict[str, Any]:
    return {
        "code": side.code, "title": side.title, "host": side.host, "start": side.start,
        "end": side.end, "seats": side.seats, "cost": _money(side.cost),
    }  # fmt: skip


@router.get("/redundancy", response=RedundancyOut, summary="Redundancy")
def redundancy(request: HttpRequest, query: Query[RedundancyQuery]) -> dict[str, Any]:
    """Pairs of offered activities that look like duplicates: the same primary area, dates
    overlapping or at most `window_days` apart, different hosts, alike titles and
    descriptions; ranked by score, with the seats and cost involved. Coordinators, analysts,
    admins, and institution managers (over the activities they see on the menu)."""
    filters, parameters = section.parse(query.params())
    found = section.redundancy(actor=actor_of(request), filters=filters, parameters=parameters)
    rows = [
        {
            "activity_a": _activity(p.a), "activity_b": _activity(p.b), "area": p.area,
            "days_apart": p.days_apart, "title_similarity": p.title_similarity,
            "text_similarity": p.text_similarity, "score": p.score, "seats": p.seats,
            "cost": _money(p.cost),
        }
        for p in found.rows
    ]  # fmt: skip
    summary = {
        "filters": found.filters.as_params(),
        "ignored_filters": found.ignored,
        "pairs": found.pairs,
        "activities": found.activities,
        "seats_involved": found.seats,
        "cost_involved": _money(found.cost),
        "threshold": found.parameters.threshold,
        "window_days": found.parameters.window_days,
        "limit": found.parameters.limit,
        "weights": {"title": TITLE_WEIGHT, "text": TEXT_WEIGHT},
        "by_area": [{**vars(t), "cost": _money(t.cost)} for t in found.by_area],
        "bilateral": None,
        "bilateral_note": _(
            "No bilateral initiatives are recorded in the system yet, so activities cannot be "
            "compared with them."
        ),
    }
    return {"definitions_version": DEFINITIONS_VERSION, "rows": rows, "summary": summary}
