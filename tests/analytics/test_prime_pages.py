"""Issue 6's "Done when" on the `prime` demo data: the area-balance page flags the areas the
generator makes crowded and thin, and the attention page shows the operational partners
getting more seats than the others, in figures that agree with the API.

The data is what `coopsec demo --scale prime` builds (its default seed, 10,000 activities on
the coming cycle), with today frozen so that the cycle is always 2027. The expected areas come
from the generator's own parameters, not from a list written here: `GeneratorParams.area_supply`
weighs the activities drawn per area, and every area it does not list weighs 1 (see the
field's comment and docs/demo-data.md), so the areas weighted above 1 are the crowded ones
(`CROWDED_AREAS`) and those below 1 the thin ones (`THIN_AREAS`). The area-balance flag is
judged on activities per area, which is what the supply weights drive.

The pages are read with the standard library's HTML parser into a small element tree, so the
assertions name tables, rows and cells rather than matching text.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from coopsec.accounts.models import User
from coopsec.activities.generator import GeneratorParams
from tests.analytics.recompute import TODAY

pytestmark = pytest.mark.django_db

# floatformat:2 on the page against the API's 4 decimals.
SHOWN_DIGITS = 0.005 + 1e-9
VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


# --- reading the rendered HTML -------------------------------------------------------------


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def iter(self) -> Iterator[Element]:
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def classes(self) -> set[str]:
        """The classes of this element and of every element inside it."""
        return {name for el in self.iter() for name in el.attrs.get("class", "").split()}

    def by_id(self, element_id: str) -> Element:
        found = [el for el in self.iter() if el.attrs.get("id") == element_id]
        assert len(found) == 1, f"{len(found)} elements with id '{element_id}' on the page"
        return found[0]

    def body_rows(self) -> list[list[Element]]:
        """A table's body rows, each as its cells (th and td)."""
        rows = [el for body in self.iter() if body.tag == "tbody" for el in body.iter()]
        return [
            [c for c in row.children if isinstance(c, Element) and c.tag in ("th", "td")]
            for row in rows
            if row.tag == "tr"
        ]


class _TreeBuilder(HTMLParser):
    """An element tree from HTML; an end tag closes everything opened since its start tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def page(client: Client, url: str) -> Element:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    builder = _TreeBuilder()
    builder.feed(response.content.decode())
    builder.close()
    return builder.root


def number(cell: Element) -> float:
    """A figure as the page prints it; a withheld one ("—") fails the test."""
    text = cell.text()
    assert text not in ("", "—"), f"no figure in a cell of the page: {text!r}"
    return float(text)


def flag_of(cell: Element) -> str | None:
    """The flag a heat-table cell carries, read from its marker's class (not its wording)."""
    flags = {name.removeprefix("flag--") for name in cell.classes() if name.startswith("flag--")}
    assert len(flags) <= 1, flags
    return flags.pop() if flags else None


# --- the prime demo data -------------------------------------------------------------------


def generator_areas() -> tuple[set[str], set[str]]:
    """The areas the prime preset weighs above and below the weight 1 of unlisted areas."""
    supply = GeneratorParams.for_scale("prime").area_supply
    crowded = {area for area, weight in supply.items() if weight > 1}
    thin = {area for area, weight in supply.items() if weight < 1}
    assert crowded and thin, supply
    return crowded, thin


@pytest.fixture
def coordinator_client(reference: None, settings: Any, tmp_path: Path) -> Iterator[Client]:
    """`coopsec demo --scale prime`, signed in as the demo coordinator it creates."""
    settings.VAR_DIR = tmp_path  # where the command keeps the demo logins
    with patch("coopsec.network.dates.today", return_value=TODAY):
        call_command("demo", "--scale", "prime", "--quiet")
        client = Client()
        client.force_login(User.objects.get(username="coordinator"))
        yield client


def test_prime_pages_flag_the_generators_areas_and_show_the_operational_gap(
    coordinator_client: Client,
) -> None:
    check_area_balance(coordinator_client)
    check_attention(coordinator_client)


def check_area_balance(client: Client) -> None:
    """Every year cell of a crowded area carries the crowded marker, of a thin one the
    neglected marker, and no other area is flagged (figures in the messages)."""
    crowded, thin = generator_areas()
    root = page(client, reverse("analytics:area-balance"))
    heat = root.by_id("heat-table")
    header = [c.text() for c in heat.iter() if c.tag == "th" and c.attrs.get("scope") == "col"]
    years = header[1:-2]  # between "Area" and "Seats", "Nominations"
    assert years, f"the heat table shows no year: {header}"

    rows = [el for el in heat.iter() if el.tag == "tr" and "data-area" in el.attrs]
    flags: dict[str, list[str | None]] = {}
    activities: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for row in rows:
        cells = [c for c in row.children if isinstance(c, Element) and c.tag in ("th", "td")]
        code, year_cells = row.attrs["data-area"], cells[1:-2]
        assert len(year_cells) == len(years), code
        names[code] = cells[0].text()
        flags[code] = [flag_of(c) for c in year_cells]
        activities[code] = [int(c.text().split()[0]) for c in year_cells]
    # The generator's areas are real rows of the table, so the checks below cannot pass by
    # naming areas the page does not list.
    assert crowded | thin <= set(flags), sorted((crowded | thin) - set(flags))

    figures = {code: activities[code] for code in sorted(crowded | thin)}
    for code in crowded:
        assert set(flags[code]) == {"crowded"}, (code, flags[code], figures)
    for code in thin:
        assert set(flags[code]) == {"neglected"}, (code, flags[code], figures)
    # No other area is flagged, so neither a thin area crowded nor a crowded one neglected.
    flagged = {code: f for code, f in flags.items() if any(f)}
    assert set(flagged) == crowded | thin, (flagged, activities)

    # The cards above the chart name the same areas.
    for card, expected in (("card-crowded", crowded), ("card-neglected", thin)):
        value, hint = (el for el in root.by_id(card).iter() if el.tag == "dd")
        assert int(value.text()) == len(expected), card
        assert hint.text() == ", ".join(n for c, n in names.items() if c in expected), card


def year_figures(root: Element) -> dict[str, dict[str, float]]:
    """The attention page's per-year table: year -> the figures the API also answers."""
    shown = {}
    for cells in root.by_id("year-table").body_rows():
        year, partners, operational, seats, _gini, mean_ops, mean_other, ratio = cells
        shown[year.text()] = {
            "partners": number(partners),
            "operational_partners": number(operational),
            "seats": number(seats),
            "mean_seats_operational": number(mean_ops),
            "mean_seats_other": number(mean_other),
            "operational_ratio": number(ratio),
        }
    return shown


def check_attention(client: Client) -> None:
    """Every year shown has operational partners with more mean seats than the others (ratio
    above 1), the figures are the API's for the same (default) filters, and the partner
    table of the year the page opens on adds up to the same means."""
    root = page(client, reverse("analytics:attention"))
    response = client.get("/api/v1/analytics/attention")
    assert response.status_code == 200, response.content
    api_years = {str(y["year"]): y for y in response.json()["summary"]["years"]}

    shown = year_figures(root)
    assert shown, "the attention page shows no year"
    assert set(shown) == set(api_years)
    for year, figures in shown.items():
        expected = api_years[year]
        for name, value in figures.items():
            assert value == pytest.approx(expected[name], abs=SHOWN_DIGITS), (year, name)
        assert figures["operational_partners"] > 0, (year, figures)
        assert figures["mean_seats_operational"] > figures["mean_seats_other"], (year, figures)
        assert figures["operational_ratio"] > 1, (year, figures)

    # The per-partner table of the year the page opens on gives the same two means.
    latest = max(shown)
    received: dict[bool, list[float]] = {True: [], False: []}
    for _partner, year_cell, status, _activities, seats in root.by_id("partner-table").body_rows():
        assert year_cell.text() == latest
        received["badge--operational" in status.classes()].append(number(seats))
    assert len(received[True]) + len(received[False]) == shown[latest]["partners"]
    assert len(received[True]) == shown[latest]["operational_partners"]
    for is_operational, name in ((True, "mean_seats_operational"), (False, "mean_seats_other")):
        mean = math.fsum(received[is_operational]) / len(received[is_operational])
        assert mean == pytest.approx(shown[latest][name], abs=SHOWN_DIGITS), name
