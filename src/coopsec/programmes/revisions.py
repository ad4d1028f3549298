"""Snapshots of a programme and the differences between two of them (no Django here).

A snapshot is a plain dict: the programme's own fields, and its objectives and items keyed by
their database ids, so that a changed field of the same objective reads as a change, not as
one removed and one added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SECTIONS = ("objectives", "items")


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


@dataclass
class EntryDiff:
    key: str
    label: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class SectionDiff:
    added: list[EntryDiff] = field(default_factory=list)
    removed: list[EntryDiff] = field(default_factory=list)
    changed: list[EntryDiff] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class RevisionDiff:
    programme: list[Change]
    objectives: SectionDiff
    items: SectionDiff

    @property
    def empty(self) -> bool:
        return not self.programme and self.objectives.empty and self.items.empty


def _changes(before: dict[str, Any], after: dict[str, Any], skip: tuple[str, ...]) -> list[Change]:
    keys = [k for k in dict.fromkeys([*before, *after]) if k not in skip]
    return [Change(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def _section(before: dict[str, Any], after: dict[str, Any]) -> SectionDiff:
    result = SectionDiff()
    for key, entry in after.items():
        if key not in before:
            fields = [Change(k, None, v) for k, v in entry.items() if k != "label"]
            result.added.append(EntryDiff(key, entry.get("label", key), fields))
        else:
            changes = _changes(before[key], entry, ("label",))
            if changes:
                result.changed.append(EntryDiff(key, entry.get("label", key), changes))
    for key, entry in before.items():
        if key not in after:
            fields = [Change(k, v, None) for k, v in entry.items() if k != "label"]
            result.removed.append(EntryDiff(key, entry.get("label", key), fields))
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> RevisionDiff:
    """What changed from snapshot `before` to snapshot `after`."""
    return RevisionDiff(
        programme=_changes(before.get("programme", {}), after.get("programme", {}), ()),
        objectives=_section(before.get("objectives", {}), after.get("objectives", {})),
        items=_section(before.get("items", {}), after.get("items", {})),
    )
