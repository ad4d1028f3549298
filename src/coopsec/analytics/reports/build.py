"""Assembling a report: the parts its reader may receive under its filters, the document's
title and filters in words, and the file in the asked format.

`document()` reads through the analytics selectors as the requesting actor; `render()` turns
the document into bytes. The task (`analytics.services.report_build`) calls both and records
the progress between the steps.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import QueryDict
from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.analytics import access
from coopsec.analytics.filters import Filters
from coopsec.analytics.models import STATE_OF_NETWORK, ReportFormat
from coopsec.analytics.reports import pdf, xlsx
from coopsec.analytics.reports.content import Document, Part, heading_of
from coopsec.analytics.reports.parts import BUILDERS, names_for
from coopsec.analytics.sections.base import DEFINITIONS_VERSION
from coopsec.errors import Invalid
from coopsec.network import selectors as network
from coopsec.network.models import Organization


def sections_of(actor: Actor, section: str) -> list[str]:
    """The sections a report holds: the one asked, or for the state of the network every
    section the actor may open."""
    return access.reportable_sections(actor) if section == STATE_OF_NETWORK else [section]


def title_of(section: str, filters: Filters) -> str:
    if section == STATE_OF_NETWORK:
        return _("State of the partnership network, %(year)s") % {"year": filters.year_from}
    return _("Analytics report: %(section)s") % {"section": heading_of(section)}


def describe(actor: Actor, query: str) -> str:
    """A stored report's filters in words ("Years: 2026; Framework: Partnership for Peace")."""
    try:
        filters = Filters.parse(QueryDict(query))
    except Invalid:  # a code deleted since: say what was asked
        return query
    return "; ".join(f"{k}: {v}" for k, v in filters_in_words(actor, filters))


def filters_in_words(actor: Actor, filters: Filters) -> list[tuple[str, str]]:
    """(filter, value) for each filter set, with names where codes have them."""
    words: list[tuple[str, str]] = []
    if filters.year_from is not None or filters.year_to is not None:
        first = filters.year_from if filters.year_from is not None else "\N{HORIZONTAL ELLIPSIS}"
        last = filters.year_to if filters.year_to is not None else "\N{HORIZONTAL ELLIPSIS}"
        words.append((_("Years"), str(first) if first == last else f"{first}\N{EN DASH}{last}"))
    else:
        words.append((_("Years"), _("all years")))
    if filters.framework:
        names = {f.code: f.name for f in network.framework_list(actor=actor)}
        words.append((_("Framework"), names.get(filters.framework, filters.framework)))
    if filters.region:
        words.append((_("Region"), filters.region))
    if filters.area:
        words.append((_("Area"), names_for(actor).area(filters.area)))
    if filters.host:
        host = Organization.objects.filter(code=filters.host).values_list("name", flat=True)
        words.append((_("Host"), host.first() or filters.host))
    if filters.type:
        words.append((_("Activity type"), filters.type))
    return words


def document(
    actor: Actor,
    section: str,
    filters: Filters,
    *,
    generated_at: str,
    progress: Callable[[int, int, str], None] | None = None,
) -> Document:
    """The report's content, part by part; `progress(done, total, heading)` after each."""
    sections = sections_of(actor, section)
    names = names_for(actor)
    parts: list[Part] = []
    for k, code in enumerate(sections, 1):
        if progress is not None:
            progress(k - 1, len(sections), heading_of(code))
        parts.append(BUILDERS[code](actor, filters, names))
    if progress is not None:
        progress(len(sections), len(sections), "")
    words = filters_in_words(actor, filters)
    user = actor.user
    return Document(
        title=title_of(section, filters),
        subtitle="; ".join(f"{k}: {v}" for k, v in words),
        requested_by=(user.get_full_name() or user.get_username()) if user is not None else "",
        generated_at=generated_at,
        definitions_version=DEFINITIONS_VERSION,
        filters=words,
        parts=parts,
    )


def render(document: Document, fmt: str, progress: Callable[[int], None] | None = None) -> bytes:
    if fmt == ReportFormat.PDF:
        return pdf.render(document, progress)
    return xlsx.render(document, progress)


def filename(section: str, filters: Filters, fmt: str) -> str:
    years = ""
    if filters.year_from is not None:
        years = f"-{filters.year_from}"
        if filters.year_to is not None and filters.year_to != filters.year_from:
            years += f"-{filters.year_to}"
    name = "state-of-the-network" if section == STATE_OF_NETWORK else section
    return f"coopsec-{name}{years}.{fmt}"
