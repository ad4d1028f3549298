"""What the benchmark scripts share: a series of timings with its p50 / p95, the machine and
the data set they ran on, a logged-in test Client, and timing a route over N requests.

Import it after `django.setup()` (the scripts do so first, as `menu.py` shows).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import django
from django.db import connection
from django.test import Client
from django.urls import Resolver404, resolve

from coopsec.accounts.models import User
from coopsec.activities.models import Activity, Feedback, Nomination, Participant


@dataclass
class Series:
    """Timings of one measured thing, in milliseconds."""

    name: str
    samples: list[float] = field(default_factory=list)
    note: str = ""

    def add(self, ms: float) -> None:
        self.samples.append(ms)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def p95(self) -> float:
        if not self.samples:
            return float("nan")
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def row(self) -> dict[str, Any]:
        return {
            "name": self.name, "n": len(self.samples), "p50_ms": round(self.p50, 1),
            "p95_ms": round(self.p95, 1),
            "max_ms": round(max(self.samples), 1) if self.samples else None, "note": self.note,
        }  # fmt: skip


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = fn()
    return (time.perf_counter() - began) * 1000, result


def route_exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
        else:
            cursor.execute("SELECT 'SQLite ' || sqlite_version()")
        version = cursor.fetchone()[0]
    return {
        "nproc": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1), "cpu": cpu,
        "python": platform.python_version(), "django": django.get_version(),
        "database": connection.vendor, "database_version": version.split(" on ")[0],
        "load_average": os.getloadavg(),
    }  # fmt: skip


def data_set() -> dict[str, Any]:
    synthetic = Activity.objects.filter(synthetic=True)
    years = synthetic.dates("start", "year")
    return {
        "activities": Activity.objects.count(),
        "synthetic_activities": synthetic.count(),
        "nominations": Nomination.objects.count(),
        "participants": Participant.objects.count(),
        "feedback": Feedback.objects.count(),
        "years": [years.first().year, years.last().year] if years else [],
    }


def client_for(username: str) -> Client:
    user = User.objects.filter(username=username).first()
    if user is None:
        sys.exit(f"No user '{username}': run `coopsec demo --scale decade` first.")
    client = Client()
    client.force_login(user)
    return client


def measure_route(
    client: Client,
    path: str,
    params: dict[str, str],
    requests: int,
    warmup: int,
    name: str,
    before: Callable[[], None] | None = None,
) -> Series:
    """`requests` timed GETs after `warmup` untimed ones, `before()` (untimed) ahead of each;
    stops at the first answer that is not 200 and notes its status."""
    series = Series(name)
    for i in range(warmup + requests):
        if before is not None:
            before()
        ms, response = timed(lambda: client.get(path, params))
        if response.status_code != 200:
            series.note = f"HTTP {response.status_code}"
            break
        if i >= warmup:
            series.add(ms)
    return series
