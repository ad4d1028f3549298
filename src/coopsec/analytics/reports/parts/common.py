"""What every report part shares: the display names of areas and partners for one reader,
and the note under a table some of whose cells are withheld."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.activities import selectors as menu
from coopsec.analytics.presentation import partner_names

WITHHELD = "\N{EM DASH}"


@dataclass(frozen=True)
class Names:
    """Display names of areas and partners for one reader."""

    areas: dict[str, str]
    partners: Callable[[list[str]], dict[str, str]]

    def area(self, code: str) -> str:
        return self.areas.get(code, code)


def names_for(actor: Actor) -> Names:
    return Names(
        areas={a.code: a.display_name for a in menu.area_list(actor=actor)},
        partners=lambda codes: partner_names(actor, codes),
    )


def withheld_note(withheld: bool) -> str:
    return (
        _("Empty cells are withheld: they would be built from fewer partners than may be shown.")
        if withheld
        else ""
    )
