"""A programme's revisions and what changed between two of them, in the reader's words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopsec.activities.models import ActivityType, CooperationArea
from coopsec.programmes import selectors
from coopsec.programmes.models import Side
from coopsec.programmes.revisions import Change, EntryDiff, RevisionDiff
from coopsec.programmes.views.base import actor_for, all_areas, project_errors, type_label

# --- revisions -----------------------------------------------------------------------------

_FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "area": gettext_lazy("Cooperation area"),
    "indicator": gettext_lazy("Indicator"),
    "baseline": gettext_lazy("Baseline"),
    "target": gettext_lazy("Target"),
    "target_date": gettext_lazy("Target date"),
    "proposed_by": gettext_lazy("Proposed by"),
    "agreed": gettext_lazy("Agreed"),
    "objective": gettext_lazy("Objective"),
    "activity": gettext_lazy("Menu activity"),
    "activity_type": gettext_lazy("Activity type"),
    "year": gettext_lazy("Year"),
    "planned_seats": gettext_lazy("Seats"),
    "note": gettext_lazy("Note"),
    "type": gettext_lazy("Programme type"),
    "cycle_start": gettext_lazy("First year of the cycle"),
    "cycle_end": gettext_lazy("Last year of the cycle"),
}
_EVENTS = {
    "submitted": gettext_lazy("submitted by the partner"),
    "agreed": gettext_lazy("agreed"),
    "amended": gettext_lazy("changed after agreement"),
}


@dataclass
class ChangeLine:
    field: str
    before: str
    after: str


@dataclass
class EntryLine:
    label: str
    facts: list[tuple[str, str]] = field(default_factory=list)  # what an added/removed had
    changes: list[ChangeLine] = field(default_factory=list)


@dataclass
class SectionLines:
    title: str
    added: list[EntryLine]
    removed: list[EntryLine]
    changed: list[EntryLine]


class _Words:
    """Snapshot values in the reader's words: area names, type names, yes and no."""

    def __init__(self, areas: list[CooperationArea]) -> None:
        self.areas = {a.code: a.display_name for a in areas}

    def value(self, name: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if name == "area":
            return self.areas.get(str(value), str(value))
        if name == "activity_type" and value in ActivityType.values:
            return str(ActivityType(value).label)
        if name == "proposed_by" and value in Side.values:
            return str(Side(value).label)
        return str(value)

    def label(self, name: str) -> str:
        return str(_FIELD_LABELS.get(name, name.replace("_", " ")))

    def change(self, c: Change) -> ChangeLine:
        return ChangeLine(
            self.label(c.field), self.value(c.field, c.before), self.value(c.field, c.after)
        )

    def facts(self, entry: EntryDiff, side: str) -> list[tuple[str, str]]:
        return [
            (self.label(c.field), self.value(c.field, getattr(c, side)))
            for c in entry.changes
            if getattr(c, side) not in (None, "")
        ]

    def entry(self, name: str, entry: EntryDiff, snapshot: dict[str, Any]) -> str:
        """An objective by its title; a planned activity by its menu activity, or else as
        its type in its area and year, in words."""
        data = snapshot.get(name, {}).get(entry.key) or {}
        if name != "items" or not data or data.get("activity"):
            return entry.label
        return _("%(type)s in %(area)s, %(year)s") % {
            "type": type_label(data.get("activity_type") or "") or _("An activity"),
            "area": self.value("area", data.get("area")),
            "year": data.get("year"),
        }

    def sections(
        self, diff: RevisionDiff, before: dict[str, Any], after: dict[str, Any]
    ) -> list[SectionLines]:
        result = []
        for title, name, section in (
            (_("Objectives"), "objectives", diff.objectives),
            (_("Planned activities"), "items", diff.items),
        ):
            result.append(
                SectionLines(
                    title=title,
                    added=[
                        EntryLine(self.entry(name, e, after), self.facts(e, "after"))
                        for e in section.added
                    ],
                    removed=[
                        EntryLine(self.entry(name, e, before), self.facts(e, "before"))
                        for e in section.removed
                    ],
                    changed=[
                        EntryLine(
                            self.entry(name, e, after), changes=[self.change(c) for c in e.changes]
                        )
                        for e in section.changed
                    ],
                )
            )
        return result


def _number(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


@login_required
@project_errors
def programme_revisions(request: HttpRequest, programme_id: int) -> HttpResponse:
    """A programme's revisions and, in plain words, what changed between two of them (the
    newest and the one before it unless `?before=&after=` choose)."""
    actor = actor_for(request)
    programme = selectors.programme_get(actor=actor, programme_id=programme_id)
    revisions = selectors.revision_list(actor=actor, programme_id=programme_id)
    comparison = selectors.revision_compare(
        actor=actor,
        programme_id=programme_id,
        after=_number(request.GET.get("after")),
        before=_number(request.GET.get("before")),
    )
    words = _Words(all_areas(actor))
    context: dict[str, Any] = {
        "section": "programmes",
        "programme": programme,
        "revisions": [(r, _EVENTS.get(r.event, r.event)) for r in revisions],
        "comparison": comparison,
    }
    if comparison is not None:
        context.update(
            programme_changes=[words.change(c) for c in comparison.diff.programme],
            sections=words.sections(
                comparison.diff,
                comparison.before.snapshot if comparison.before is not None else {},
                comparison.after.snapshot,
            ),
            after_event=_EVENTS.get(comparison.after.event, comparison.after.event),
            before_event=(
                _EVENTS.get(comparison.before.event, comparison.before.event)
                if comparison.before is not None
                else ""
            ),
        )
    return render(request, "programmes/programme_revisions.html", context)
