"""Report parts of the sections about the menu itself: area balance, depth versus breadth,
and redundancy. Labels are the pages' (the same translated strings); numbers are rounded as
the API rounds them (`measures.rounded`), percentages to one decimal."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopsec.accounts.actor import Actor
from coopsec.analytics import access, selectors
from coopsec.analytics.access import REDUNDANCY
from coopsec.analytics.filters import Filters
from coopsec.analytics.measures import rounded
from coopsec.analytics.presentation import area_lines, percent, year_span
from coopsec.analytics.reports.content import Chart, Column, Part, Series, Table
from coopsec.analytics.reports.parts.common import WITHHELD, Names, withheld_note
from coopsec.analytics.sections.redundancy import Parameters, redundancy

# --- area balance ----------------------------------------------------------------------------


def area_balance(actor: Actor, filters: Filters, names: Names) -> Part:
    found = selectors.area_balance(actor=actor, filters=filters)
    lines = area_lines(found, names.area)
    span = year_span([t.year for t in found.years])
    part = Part(
        access.AREA_BALANCE,
        _("Area balance"),
        _(
            "Which cooperation areas are crowded and which are neglected: the activities and "
            "seats offered in each area against the partners' demand."
        ),
    )
    crowded = [line.name for line in lines if line.flag == "crowded"]
    neglected = [line.name for line in lines if line.flag == "neglected"]
    part.findings = [
        _("%(activities)s activities, %(seats)s seats in %(span)s.")
        % {
            "activities": sum(line.activities for line in lines),
            "seats": sum(line.seats for line in lines),
            "span": span or WITHHELD,
        },
        _("Crowded areas") + ": " + (", ".join(crowded) or _("none")),
        _("Neglected areas") + ": " + (", ".join(neglected) or _("none")),
    ]
    part.charts = [
        Chart(
            "hbar",
            _("Seats offered and nominations per area, %(span)s") % {"span": span},
            [line.name for line in lines],
            [
                Series(_("Seats offered"), [float(line.seats) for line in lines]),
                Series(
                    _("Nominations (demand)"),
                    [
                        None if line.nominations is None else float(line.nominations)
                        for line in lines
                    ],
                ),
            ],
        )
    ]
    withheld = any(line.nominations is None for line in lines)
    flag_label = {"crowded": _("crowded"), "neglected": _("neglected")}
    part.tables = [
        Table(
            _("Areas over the years"),
            [
                Column(_("Area")),
                Column(_("Activities"), "int"),
                Column(_("Seats"), "int"),
                Column(_("Nominations"), "int"),
                Column(_("Flag")),
            ],
            [
                [
                    line.name,
                    line.activities,
                    line.seats,
                    line.nominations,
                    flag_label.get(line.flag or "", ""),
                ]
                for line in lines
            ],
            withheld_note(withheld),
        ),
        Table(
            _("Per area and year"),
            [
                Column(_("Area")),
                Column(_("Year"), "text"),
                Column(_("Activities"), "int"),
                Column(_("Seats"), "int"),
                Column(_("Nominations"), "int"),
                Column(_("Confirmed"), "int"),
                Column(_("Fill rate (%)"), "percent"),
                Column(_("Demand / supply"), "number"),
                Column(_("Partners"), "int"),
                Column(_("Flag")),
            ],
            [
                [
                    names.area(r.area),
                    str(r.year),
                    r.activities,
                    r.seats,
                    r.nominations,
                    r.confirmed,
                    percent(r.fill_rate),
                    rounded(r.demand_ratio),
                    r.partners,
                    flag_label.get(r.flag or "", ""),
                ]
                for r in found.rows
            ],
            withheld_note(withheld),
        ),
        Table(
            _("Per year, all areas"),
            [
                Column(_("Year")),
                Column(_("Activities"), "int"),
                Column(_("Seats"), "int"),
                Column(_("Nominations"), "int"),
                Column(_("Confirmed"), "int"),
                Column(_("Fill rate (%)"), "percent"),
                Column(_("Demand / supply"), "number"),
                Column(_("Partners"), "int"),
                Column(_("Mean activities per area"), "number"),
            ],
            [
                [
                    str(t.year),
                    t.activities,
                    t.seats,
                    t.nominations,
                    t.confirmed,
                    percent(t.fill_rate),
                    rounded(t.demand_ratio),
                    t.partners,
                    rounded(t.mean_activities_per_area),
                ]
                for t in found.years
            ],
        ),
    ]
    return part


# --- depth vs breadth ------------------------------------------------------------------------


def depth_breadth(actor: Actor, filters: Filters, names: Names) -> Part:
    found = selectors.depth_breadth(actor=actor, filters=filters)
    part = Part(
        access.DEPTH_BREADTH,
        _("Depth vs breadth"),
        _(
            "Is the alliance widening (more partners) or deepening (more activities per "
            "partner)? Partners engaged, activities per engaged partner, and how concentrated "
            "the seats are."
        ),
    )
    years = [str(r.year) for r in found.rows]
    for c in found.changes[-3:]:
        words = []
        if c.widened:
            words.append(
                ngettext("widened by %(n)s partner", "widened by %(n)s partners", c.breadth_change)
                % {"n": c.breadth_change}
            )
        if c.deepened:
            words.append(_("deepened"))
        part.findings.append(
            f"{c.year}: " + (", ".join(words) if words else _("neither widened nor deepened"))
        )
    part.charts = [
        Chart(
            "bar",
            _("Partners engaged"),
            years,
            [Series(_("Partners engaged"), [float(r.partners_engaged) for r in found.rows])],
        ),
        Chart(
            "line",
            _("Activities per engaged partner"),
            years,
            [
                Series(_("Median"), [rounded(r.median_depth) for r in found.rows]),
                Series(_("Mean"), [rounded(r.mean_depth) for r in found.rows]),
            ],
        ),
    ]
    part.tables = [
        Table(
            _("Per year"),
            [
                Column(_("Year")),
                Column(_("Partners engaged"), "int"),
                Column(_("Median depth"), "number"),
                Column(_("Mean depth"), "number"),
                Column(_("Herfindahl index"), "number"),
                Column(_("Seats"), "int"),
            ],
            [
                [
                    str(r.year),
                    r.partners_engaged,
                    rounded(r.median_depth),
                    rounded(r.mean_depth),
                    rounded(r.hhi),
                    r.seats,
                ]
                for r in found.rows
            ],
            withheld_note(any(r.withheld for r in found.rows)),
        ),
        Table(
            _("Year on year"),
            [
                Column(_("Year")),
                Column(_("Change in partners"), "int"),
                Column(_("Change in mean depth"), "number"),
                Column(_("Widened"), "bool"),
                Column(_("Deepened"), "bool"),
            ],
            [
                [
                    str(c.year),
                    c.breadth_change,
                    rounded(c.mean_depth_change),
                    c.widened,
                    c.deepened,
                ]
                for c in found.changes
            ],
        ),
    ]
    return part


# --- redundancy ------------------------------------------------------------------------------


def redundancy_pairs(actor: Actor, filters: Filters, names: Names) -> Part:
    found = redundancy(actor=actor, filters=filters, parameters=Parameters.defaults())
    part = Part(
        REDUNDANCY,
        _("Redundancy"),
        _(
            "Activities that look like duplicates: the same primary area, dates close "
            "together, different hosts, alike titles and descriptions. The most alike first, "
            "with the seats and cost involved."
        ),
    )
    part.findings = [
        _(
            "%(pairs)s pairs of alike activities, involving %(activities)s activities, "
            "%(seats)s seats and a cost of %(cost)s."
        )
        % {
            "pairs": found.pairs,
            "activities": found.activities,
            "seats": found.seats,
            "cost": f"{found.cost:,.2f}",
        }
    ]
    if found.by_area:
        part.charts.append(
            Chart(
                "hbar",
                _("Pairs per area"),
                [names.area(a.area) for a in found.by_area],
                [Series(_("Pairs"), [float(a.pairs) for a in found.by_area])],
            )
        )
    part.tables = [
        Table(
            _("The most alike pairs"),
            [
                Column(_("Score"), "number"),
                Column(_("Area")),
                Column(_("Activity")),
                Column(_("Host")),
                Column(_("Starts"), "date"),
                Column(_("Alike activity")),
                Column(_("Host")),
                Column(_("Starts"), "date"),
                Column(_("Days apart"), "int"),
                Column(_("Seats"), "int"),
                Column(_("Cost"), "money"),
            ],
            [
                [
                    rounded(p.score),
                    names.area(p.area),
                    f"{p.a.code} {p.a.title}",
                    p.a.host,
                    p.a.start,
                    f"{p.b.code} {p.b.title}",
                    p.b.host,
                    p.b.start,
                    p.days_apart,
                    p.seats,
                    p.cost,
                ]
                for p in found.rows
            ],
        ),
        Table(
            _("Per area"),
            [
                Column(_("Area")),
                Column(_("Pairs"), "int"),
                Column(_("Activities"), "int"),
                Column(_("Seats"), "int"),
                Column(_("Cost"), "money"),
            ],
            [[names.area(a.area), a.pairs, a.activities, a.seats, a.cost] for a in found.by_area],
        ),
    ]
    return part
