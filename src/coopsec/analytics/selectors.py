"""Reads of the analytics: one selector per section, each taking the acting user and the
shared filters, answering a dataclass. The sections live in `analytics/sections/`; their
counting rules are in `sections/base.py` and docs/analytics.md."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.analytics.models import Report
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
from coopsec.errors import NotFound

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
    "report_get",
    "report_list",
]


def report_list(*, actor: Actor) -> QuerySet[Report]:
    """The actor's own reports, newest first, without their files."""
    return Report.objects.visible_to(actor).defer("content")


def report_get(*, actor: Actor, report_id: int, with_content: bool = False) -> Report:
    """One of the actor's reports. Raises NotFound for any other (another user's is not
    told apart from one that does not exist)."""
    reports = Report.objects.visible_to(actor)
    if not with_content:
        reports = reports.defer("content")
    report = reports.filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such report."))
    return report
