"""Benchmark of the analytics reports (issue 6, "Performance": a full-year PDF report under
30 s).

Builds the whole "state of the partnership network" report for one year as the demo
`coordinator` — every section read through its selector, then the file written — as PDF and
as a workbook, N times each, and prints the time of each step (reading each part, writing
the file) with the file's size and pages. It calls the same code the task runs
(`analytics.reports.build`) without storing a report, so nothing is written to the database.

    COOPSEC_VAR_DIR=... DATABASE_URL=... .venv/bin/python bench/reports.py [--year 2025]
        [--runs 3] [--json FILE]

Needs the demo accounts and a synthetic history: `coopsec demo --scale decade --seed 1`.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopsec.settings")

import django

django.setup()

import pypdfium2  # noqa: E402
from harness import Series, data_set, machine  # noqa: E402

from coopsec.accounts.actor import Actor  # noqa: E402
from coopsec.accounts.models import User  # noqa: E402
from coopsec.analytics.filters import Filters  # noqa: E402
from coopsec.analytics.models import STATE_OF_NETWORK  # noqa: E402
from coopsec.analytics.reports import build  # noqa: E402

TARGET_S = 30.0


def one_run(actor: Actor, filters: Filters, fmt: str) -> dict[str, Any]:
    steps: list[tuple[str, float]] = []
    mark = time.perf_counter()

    def reading(done: int, total: int, heading: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        if done:
            steps.append((f"part {done}/{total}", now - mark))
        mark = now

    began = time.perf_counter()
    document = build.document(actor, STATE_OF_NETWORK, filters, generated_at="bench",
                              progress=reading)  # fmt: skip
    read = time.perf_counter() - began
    content = build.render(document, fmt)
    total = time.perf_counter() - began
    pages = len(pypdfium2.PdfDocument(content)) if fmt == "pdf" else None
    return {
        "format": fmt, "read_s": read, "write_s": total - read, "total_s": total,
        "bytes": len(content), "pages": pages,
        "parts": {p.section: round(s, 2) for p, (_, s) in zip(document.parts, steps, strict=False)},
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--user", default="coordinator")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    actor = Actor.from_user(User.objects.get(username=args.user))
    filters = Filters.parse({"from": str(args.year), "to": str(args.year)})
    print(json.dumps({"machine": machine(), "data_set": data_set()}, indent=1))
    results: list[dict[str, Any]] = []
    for fmt in ("pdf", "xlsx"):
        series = Series(f"state of the network {args.year}, {fmt}")
        for _ in range(args.runs):
            run = one_run(actor, filters, fmt)
            series.add(run["total_s"] * 1000)
            results.append(run)
            print(
                f"{fmt}: {run['total_s']:.1f} s (read {run['read_s']:.1f} s, write "
                f"{run['write_s']:.1f} s), {run['bytes']:,} bytes, pages {run['pages']}, "
                f"parts {run['parts']}"
            )
        row = series.row()
        print(f"  {row['name']}: p50 {row['p50_ms'] / 1000:.1f} s, max "
              f"{row['max_ms'] / 1000:.1f} s (target {TARGET_S:.0f} s for the PDF)")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "runs": results}, indent=1))


if __name__ == "__main__":
    main()
