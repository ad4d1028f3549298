"""Report parts of the sections about partners: interest overlap, attention balance and the
partnership network. Per-partner tables hold what the selectors give the reader (every
partner for staff, its own for a liaison)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.analytics import access, selectors
from coopsec.analytics.filters import Filters
from coopsec.analytics.measures import HISTOGRAM_BINS, rounded
from coopsec.analytics.reports.content import Chart, Column, Part, Series, Table, Value
from coopsec.analytics.reports.parts.common import Names, withheld_note
from coopsec.analytics.sections.network import network
from coopsec.analytics.sections.overlap import Distribution

# Partners shown in the network's bar chart (the table lists every one).
TOP_PARTNERS = 15


# --- interest overlap ------------------------------------------------------------------------


def _bins() -> list[str]:
    step = 1 / HISTOGRAM_BINS
    return [f"{k * step:.1f}\N{EN DASH}{(k + 1) * step:.1f}" for k in range(HISTOGRAM_BINS)]


def _distribution_row(group: str, d: Distribution) -> list[Value]:
    return [group, d.partners, rounded(d.mean), rounded(d.median)]


def overlap(actor: Actor, filters: Filters, names: Names) -> Part:
    found = selectors.interest_overlap(actor=actor, filters=filters)
    part = Part(
        access.OVERLAP,
        _("Interest overlap"),
        _(
            "Do the areas the alliance offers each partner match what the partner asks for? "
            "Each partner's overlap score runs from 0 (nothing in common) to 1 (offered in "
            "proportion to what is asked)."
        ),
    )
    overall = found.overall
    part.findings = [
        _("Interests as of %(date)s; %(scored)s of %(partners)s partners have a score.")
        % {"date": found.as_of.isoformat(), "scored": overall.partners, "partners": found.partners},
    ]
    if overall.mean is not None:
        part.findings.append(
            _("Mean overlap %(mean).2f, median %(median).2f.")
            % {"mean": overall.mean, "median": overall.median or 0.0}
        )
    if overall.histogram is not None:
        part.charts.append(
            Chart(
                "bar",
                _("Partners per overlap score"),
                _bins(),
                [Series(_("Partners"), [float(n) for n in overall.histogram])],
                y_title=_("Partners"),
            )
        )
    dist_columns = [
        Column(_("Group")),
        Column(_("Partners"), "int"),
        Column(_("Mean"), "number"),
        Column(_("Median"), "number"),
    ]
    part.tables.append(
        Table(
            _("Overlap by framework and region"),
            dist_columns,
            [_distribution_row(_("All partners"), overall)]
            + [_distribution_row(code, d) for code, d in sorted(found.by_framework.items())]
            + [_distribution_row(code, d) for code, d in sorted(found.by_region.items())],
            withheld_note(
                overall.withheld
                or any(
                    d.withheld for d in [*found.by_framework.values(), *found.by_region.values()]
                )
            ),
        )
    )
    if found.areas is not None:
        part.tables.append(
            Table(
                _("Offered and asked, per area"),
                [
                    Column(_("Area")),
                    Column(_("Offered, not asked"), "int"),
                    Column(_("Asked, not offered"), "int"),
                    Column(_("Offered more"), "int"),
                    Column(_("Asked more"), "int"),
                ],
                [
                    [
                        names.area(a.area),
                        a.offered_not_asked,
                        a.asked_not_offered,
                        a.offered_more,
                        a.asked_more,
                    ]
                    for a in found.areas
                ],
            )
        )
    partner_name = names.partners([r.partner for r in found.rows])
    part.tables.append(
        Table(
            _("Partners"),
            [
                Column(_("Partner")),
                Column(_("Name")),
                Column(_("Region")),
                Column(_("Frameworks")),
                Column(_("Overlap score"), "number"),
                Column(_("Asked, not offered")),
                Column(_("Offered, not asked")),
            ],
            [
                [
                    r.partner,
                    partner_name.get(r.partner, ""),
                    r.region,
                    ", ".join(r.frameworks),
                    rounded(r.score),
                    ", ".join(r.asked_not_offered),
                    ", ".join(r.offered_not_asked),
                ]
                for r in found.rows
            ],
        )
    )
    return part


# --- attention balance -----------------------------------------------------------------------


def attention(actor: Actor, filters: Filters, names: Names) -> Part:
    found = selectors.attention(actor=actor, filters=filters)
    part = Part(
        access.ATTENTION,
        _("Attention balance"),
        _(
            "Do partners contributing to operations get more of the menu than the others? "
            "Seats received per partner, how evenly they are spread, and the trend over the "
            "years."
        ),
    )
    years = [str(y.year) for y in found.years]
    for y in found.years:
        if y.operational_ratio is not None and y.gini is not None:
            part.findings.append(
                _(
                    "%(year)s: operational partners received %(ratio).2f times the mean seats "
                    "of the others (%(op).1f against %(other).1f); Gini of seats %(gini).2f."
                )
                % {
                    "year": y.year,
                    "ratio": y.operational_ratio,
                    "op": y.mean_seats_operational or 0.0,
                    "other": y.mean_seats_other or 0.0,
                    "gini": y.gini,
                }
            )
    part.findings = part.findings[-3:]
    part.charts = [
        Chart(
            "bar",
            _("Mean seats per partner"),
            years,
            [
                Series(
                    _("Operational partner"),
                    [rounded(y.mean_seats_operational) for y in found.years],
                ),
                Series(
                    _("Non-operational partner"), [rounded(y.mean_seats_other) for y in found.years]
                ),
            ],
            y_title=_("Seats received"),
        ),
        Chart(
            "line",
            _("Gini coefficient of seats"),
            years,
            [
                Series(_("Gini coefficient of seats"), [rounded(y.gini) for y in found.years]),
                Series(
                    _("Operational / non-operational mean seats"),
                    [rounded(y.operational_ratio) for y in found.years],
                ),
            ],
            reference=1.0,
        ),
    ]
    part.tables = [
        Table(
            _("Per year"),
            [
                Column(_("Year")),
                Column(_("Partners"), "int"),
                Column(_("Operational partners"), "int"),
                Column(_("Seats"), "int"),
                Column(_("Mean seats, operational"), "number"),
                Column(_("Mean seats, others"), "number"),
                Column(_("Ratio"), "number"),
                Column(_("Gini"), "number"),
            ],
            [
                [
                    str(y.year),
                    y.partners,
                    y.operational_partners,
                    y.seats,
                    rounded(y.mean_seats_operational),
                    rounded(y.mean_seats_other),
                    rounded(y.operational_ratio),
                    rounded(y.gini),
                ]
                for y in found.years
            ],
            withheld_note(any(y.withheld for y in found.years)),
        )
    ]
    partner_name = names.partners([r.partner for r in found.rows])
    part.tables.append(
        Table(
            _("Seats per partner and year"),
            [
                Column(_("Partner")),
                Column(_("Name")),
                Column(_("Year")),
                Column(_("Operational"), "bool"),
                Column(_("Activities"), "int"),
                Column(_("Seats"), "int"),
            ],
            [
                [
                    r.partner,
                    partner_name.get(r.partner, ""),
                    str(r.year),
                    r.operational,
                    r.activities,
                    r.seats,
                ]
                for r in sorted(found.rows, key=lambda r: (r.year, -r.seats, r.partner))
            ],
        )
    )
    return part


# --- the partnership network -----------------------------------------------------------------


def partnership_network(actor: Actor, filters: Filters, names: Names) -> Part:
    found = network(actor=actor, filters=filters)
    part = Part(
        access.NETWORK,
        _("Partnership network"),
        _(
            "Partners linked by the activities they held seats in together: who works with "
            "whom, the communities that form, and the partners that bridge frameworks."
        ),
    )
    if found.links is not None:
        part.findings.append(
            _(
                "%(partners)s partners, %(links)s links, density %(density).2f; "
                "%(communities)s communities (modularity %(modularity).2f)."
            )
            % {
                "partners": found.partners,
                "links": found.links,
                "density": found.density or 0.0,
                "communities": found.community_count or 0,
                "modularity": found.modularity or 0.0,
            }
        )
    if found.cross_framework_share is not None:
        part.findings.append(
            _("%(share).1f%% of the link weight crosses frameworks.")
            % {"share": 100 * found.cross_framework_share}
        )
    ranked = sorted(
        (r for r in found.rows if r.weighted_degree is not None),
        key=lambda r: (-(r.weighted_degree or 0), r.partner),
    )[:TOP_PARTNERS]
    if ranked:
        part.charts.append(
            Chart(
                "hbar",
                _("Most connected partners (shared activities with others)"),
                [r.partner for r in ranked],
                [Series(_("Weighted degree"), [float(r.weighted_degree or 0) for r in ranked])],
            )
        )
    partner_name = names.partners([r.partner for r in found.rows])
    part.tables.append(
        Table(
            _("Partners"),
            [
                Column(_("Partner")),
                Column(_("Name")),
                Column(_("Region")),
                Column(_("Frameworks")),
                Column(_("Activities"), "int"),
                Column(_("Links"), "int"),
                Column(_("Weighted degree"), "int"),
                Column(_("Betweenness"), "number"),
                Column(_("Eigenvector"), "number"),
                Column(_("Community"), "int"),
                Column(_("Frameworks reached"), "int"),
            ],
            [
                [
                    r.partner,
                    partner_name.get(r.partner, ""),
                    r.region,
                    ", ".join(r.frameworks),
                    r.activities,
                    r.degree,
                    r.weighted_degree,
                    rounded(r.betweenness),
                    rounded(r.eigenvector),
                    r.community,
                    r.frameworks_reached,
                ]
                for r in sorted(found.rows, key=lambda r: r.partner)
            ],
            withheld_note(found.withheld),
        )
    )
    if found.communities is not None:
        part.tables.append(
            Table(
                _("Communities"),
                [
                    Column(_("Community"), "int"),
                    Column(_("Partners"), "int"),
                    Column(_("Members")),
                    Column(_("Frameworks")),
                    Column(_("Internal weight"), "int"),
                ],
                [
                    [
                        c.id,
                        c.size,
                        ", ".join(c.partners),
                        ", ".join(f"{k} {v}" for k, v in sorted(c.frameworks.items())),
                        c.internal_weight,
                    ]
                    for c in found.communities
                ],
            )
        )
    if found.bridges is not None:
        part.tables.append(
            Table(
                _("Bridges between frameworks"),
                [
                    Column(_("Partner")),
                    Column(_("Frameworks reached"), "int"),
                    Column(_("Cross-framework links"), "int"),
                    Column(_("Cross-framework weight"), "int"),
                    Column(_("Betweenness"), "number"),
                ],
                [
                    [
                        b.partner,
                        b.frameworks_reached,
                        b.cross_framework_links,
                        b.cross_framework_weight,
                        rounded(b.betweenness),
                    ]
                    for b in found.bridges
                ],
            )
        )
    return part
