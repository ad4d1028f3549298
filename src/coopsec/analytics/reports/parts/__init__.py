"""One report part per analytics section, built from the section's selector with the
requesting actor: the findings a committee reads first, the charts of the page, and every
figure of the page's tables (docs/analytics.md defines each)."""

from __future__ import annotations

from collections.abc import Callable

from coopsec.accounts.actor import Actor
from coopsec.analytics import access
from coopsec.analytics.filters import Filters
from coopsec.analytics.reports.content import Part
from coopsec.analytics.reports.parts.common import Names, names_for
from coopsec.analytics.reports.parts.partners import attention, overlap, partnership_network
from coopsec.analytics.reports.parts.supply import area_balance, depth_breadth, redundancy_pairs

Builder = Callable[[Actor, Filters, Names], Part]

# In the order a committee reads them (the pages' tabs).
BUILDERS: dict[str, Builder] = {
    access.AREA_BALANCE: area_balance,
    access.OVERLAP: overlap,
    access.ATTENTION: attention,
    access.DEPTH_BREADTH: depth_breadth,
    access.NETWORK: partnership_network,
    access.REDUNDANCY: redundancy_pairs,
}

__all__ = ["BUILDERS", "Builder", "Names", "names_for"]
