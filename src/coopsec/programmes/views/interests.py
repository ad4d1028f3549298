"""Both sides' interests for a partner: side by side, their overlap and mismatches, the
reader's side as a form, and the history of both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from coopsec.accounts.actor import Actor
from coopsec.activities.forms import add_service_errors
from coopsec.activities.models import CooperationArea
from coopsec.errors import Invalid
from coopsec.programmes import access, selectors, services
from coopsec.programmes.forms import InterestsForm
from coopsec.programmes.models import Side
from coopsec.programmes.views.base import actor_for, project_errors

HISTORY_SHOWN = 20  # versions
MISMATCHES_SHOWN = 5  # areas per direction

# --- interests -----------------------------------------------------------------------------


@dataclass
class InterestRow:
    area: CooperationArea
    partner: int
    alliance: int
    field: forms.BoundField | None

    @property
    def gap(self) -> int:
        return self.partner - self.alliance


@dataclass
class VersionLine:
    version: Any
    changes: list[tuple[str, int, int]]  # (area name, before, after)
    first: bool


def _history(actor: Actor, code: str, names: dict[str, str]) -> list[VersionLine]:
    """Every version newest first, with the areas whose priority it changed from the
    previous version of the same side."""
    versions = selectors.interests_history(actor=actor, partner_code=code)
    previous: dict[str, dict[str, int]] = {}
    lines: list[VersionLine] = []
    for version, values in reversed(versions):
        before = previous.get(version.side)
        base = before or {}
        changes = [
            (names.get(c, c), base.get(c, 0), v) for c, v in values.items() if v != base.get(c, 0)
        ]
        changes.sort(key=lambda c: c[0])
        lines.append(VersionLine(version, changes, before is None))
        previous[version.side] = values
    lines.reverse()
    return lines[:HISTORY_SHOWN]


@login_required
@project_errors
def interests(request: HttpRequest, code: str) -> HttpResponse:
    """A partner's priorities and the alliance's offer side by side, their overlap and
    mismatches, the reader's side as a form, and the history of both."""
    actor = actor_for(request)
    current = selectors.interests_get(actor=actor, partner_code=code)
    partner = current.partner
    side = Side.PARTNER if access.is_partner_liaison(actor, partner.pk) else Side.ALLIANCE
    may_record = access.can_record_interests(actor, partner, side)
    own_values = current.partner_side if side == Side.PARTNER else current.alliance_side
    form: InterestsForm | None = None
    status = 200
    if request.method == "POST":
        form = InterestsForm(request.POST, areas=current.areas)
        if form.is_valid():
            try:
                services.interests_record(
                    actor=actor, partner_code=partner.code, side=side,
                    areas=form.priorities(), note=form.cleaned_data["note"],
                )  # fmt: skip
            except Invalid as exc:
                details = exc.details if isinstance(exc.details, dict) else {}
                add_service_errors(
                    form, {str(k).removeprefix("areas."): v for k, v in details.items()},
                    exc.message,
                )  # fmt: skip
            else:
                done = (
                    _("%(partner)s's priorities are recorded.")
                    if side == Side.PARTNER
                    else _("The alliance's offer to %(partner)s is recorded.")
                )
                messages.success(request, done % {"partner": partner.name})
                return redirect(reverse("programmes:interests", args=[partner.code]))
        status = 400
    elif may_record:
        form = InterestsForm(areas=current.areas, initial=dict(own_values))
    groups: list[tuple[str, list[InterestRow]]] = []
    for area in current.areas:
        parent = area.parent.display_name if area.parent is not None else ""
        if not groups or groups[-1][0] != parent:
            groups.append((parent, []))
        groups[-1][1].append(
            InterestRow(
                area,
                current.partner_side.get(area.code, 0),
                current.alliance_side.get(area.code, 0),
                form[area.code] if form is not None else None,
            )
        )
    names = {a.code: a.display_name for a in current.areas}
    overlap = current.overlap
    return render(
        request,
        "programmes/interests.html",
        {
            "section": "interests" if side == Side.PARTNER else "programmes",
            "partner": partner,
            "interests": current,
            "groups": groups,
            "form": form,
            "side": side,
            "side_label": Side(side).label,
            "overlap": overlap,
            "partner_more": [(names.get(g.area, g.area), g) for g in overlap.partner_only],
            "alliance_more": [(names.get(g.area, g.area), g) for g in overlap.alliance_only],
            "shown": MISMATCHES_SHOWN,
            "partner_rest": max(0, len(overlap.partner_only) - MISMATCHES_SHOWN),
            "alliance_rest": max(0, len(overlap.alliance_only) - MISMATCHES_SHOWN),
            "history": _history(actor, partner.code, names),
        },
        status=status,
    )
