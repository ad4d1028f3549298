"""Fixtures for the network registry's tests: a frozen "today", editable reference copies."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path
from unittest.mock import patch

import pytest

from coopsec.network.reference import DEFAULT_DIR

FreezeToday = Callable[[date], AbstractContextManager[None]]


@contextmanager
def _frozen_today(day: date) -> Iterator[None]:
    with patch("coopsec.network.dates.today", lambda: day):
        yield


@pytest.fixture
def freeze_today() -> FreezeToday:
    """`with freeze_today(day):` makes the network's pages, API and selectors take `day` as
    today."""
    return _frozen_today


class ReferenceCopy:
    """A writable copy of the shipped reference directory, edited one line at a time."""

    def __init__(self, path: Path):
        self.path = path

    def lines(self, name: str) -> list[str]:
        return (self.path / name).read_text(encoding="utf-8").splitlines()

    def write(self, name: str, lines: list[str]) -> None:
        (self.path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")

    def replace(self, name: str, line: int, old: str, new: str) -> None:
        """Replace `old` by `new` on one line, numbered from 1 as error messages count."""
        lines = self.lines(name)
        assert old in lines[line - 1], f"{old!r} is not on {name}:{line}: {lines[line - 1]!r}"
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        self.write(name, lines)

    def insert(self, name: str, line: int, text: str) -> None:
        """Insert a line so that it becomes line number `line`."""
        lines = self.lines(name)
        lines.insert(line - 1, text)
        self.write(name, lines)


@pytest.fixture
def reference_copy(tmp_path: Path) -> ReferenceCopy:
    target = tmp_path / "reference"
    shutil.copytree(DEFAULT_DIR, target)
    return ReferenceCopy(target)
