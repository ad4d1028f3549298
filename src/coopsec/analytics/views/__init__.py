"""Pages of the analytics (issue 6): an overview and one page per section, each with the
shared filter bar (in the URL), a chart drawn in the browser from JSON the page embeds, and
the chart's numbers as tables.

Views parse the filters, call `analytics.selectors` (the API's own reads, so the same
access rules hold), and shape the answer for the template and the chart scripts. A refused
filter re-shows the bar with the reason (400); `Forbidden` is a 403 page, `NotFound` a 404.
"""

from coopsec.analytics.views.area_balance import area_balance, area_detail
from coopsec.analytics.views.attention import attention
from coopsec.analytics.views.depth_breadth import depth_breadth
from coopsec.analytics.views.network import partnership_network
from coopsec.analytics.views.overlap import overlap
from coopsec.analytics.views.overview import overview
from coopsec.analytics.views.redundancy import redundancy_pairs
from coopsec.analytics.views.reports import report, report_download, report_status, reports

__all__ = [
    "area_balance", "area_detail", "attention", "depth_breadth", "overlap", "overview",
    "partnership_network", "redundancy_pairs", "report", "report_download", "report_status",
    "reports",
]  # fmt: skip
