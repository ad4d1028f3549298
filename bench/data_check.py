"""Check and describe a generated data set (any scale), with aggregate queries only.

Checks the invariants the nomination services keep (confirmed_count = seat-holding
nominations, seats and per-partner caps respected, every nominating partner eligible on the
activity's first day) and prints what the analytics should see in it: activities, seats and
nominations per seat by area (crowded vs thin), and nominations per partner per year for
operational and non-operational partners.

    COOPSEC_VAR_DIR=... DATABASE_URL=... .venv/bin/python bench/data_check.py

Exit status 1 when an invariant is broken.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter, defaultdict
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coopsec.settings")

import django

django.setup()

from django.db.models import Count, F, Q  # noqa: E402

from coopsec.accounts.actor import Actor  # noqa: E402
from coopsec.activities.eligibility import eligible_for_q  # noqa: E402
from coopsec.activities.generator import CROWDED_AREAS, THIN_AREAS  # noqa: E402
from coopsec.activities.models import SEAT_STATES, Activity, Nomination  # noqa: E402
from coopsec.network.models import Organization  # noqa: E402
from coopsec.network.selectors import operational_partner_ids, partner_list  # noqa: E402


def invariants() -> list[str]:
    problems = []
    miscounted = (
        Activity.objects.annotate(
            holding=Count("nominations", filter=Q(nominations__state__in=SEAT_STATES))
        )
        .exclude(confirmed_count=F("holding"))
        .count()
    )
    if miscounted:
        problems.append(f"{miscounted} activities whose confirmed_count is wrong")
    over = Activity.objects.filter(confirmed_count__gt=F("seats")).count()
    if over:
        problems.append(f"{over} activities over their seats")
    over_cap = (
        Nomination.objects.filter(state__in=SEAT_STATES, activity__per_partner_cap__isnull=False)
        .values("activity_id", "partner_id", "activity__per_partner_cap")
        .annotate(n=Count("pk"))
        .filter(n__gt=F("activity__per_partner_cap"))
        .count()
    )
    if over_cap:
        problems.append(f"{over_cap} (activity, partner) pairs over the cap")
    partners = Organization.objects.filter(pk__in=Nomination.objects.values("partner_id"))
    ineligible = 0
    for partner in partners:
        ineligible += (
            Nomination.objects.filter(partner=partner)
            .exclude(activity__in=Activity.objects.filter(eligible_for_q(partner)).values("pk"))
            .count()
        )
    if ineligible:
        problems.append(f"{ineligible} nominations by partners not eligible on the first day")
    return problems


def areas() -> None:
    rows = (
        Activity.objects.values("primary_area__code")
        .annotate(activities=Count("pk"), seats=models_sum("seats"))
        .order_by("-activities")
    )
    demand = Counter(
        dict(
            Nomination.objects.values("activity__primary_area__code")
            .annotate(n=Count("pk"))
            .values_list("activity__primary_area__code", "n")
        )
    )
    print(f"{'area':<22}{'activities':>11}{'seats':>9}{'nominations':>13}{'per seat':>10}")
    for row in rows:
        code = row["primary_area__code"]
        flag = " crowded" if code in CROWDED_AREAS else " thin" if code in THIN_AREAS else ""
        print(
            f"{code:<22}{row['activities']:>11,}{row['seats']:>9,}{demand[code]:>13,}"
            f"{demand[code] / row['seats']:>10.3f}{flag}"
        )


def models_sum(field: str) -> object:
    from django.db.models import Sum

    return Sum(field)


def attention() -> None:
    """Nominations per partner per year, split by operational status at mid-year."""
    actor = Actor.system()
    per_year: dict[int, Counter[int]] = defaultdict(Counter)
    rows = Nomination.objects.values_list("activity__start__year", "partner_id").annotate(
        n=Count("pk")
    )
    for year, partner_id, n in rows:
        per_year[year][partner_id] += n
    print(
        f"{'year':<6}{'op partners':>12}{'noms/op':>9}{'others':>8}{'noms/other':>11}{'ratio':>7}"
    )
    for year in sorted(per_year):
        mid = date(year, 7, 1)
        ops = operational_partner_ids(actor=actor, as_of=mid)
        partners = {p.pk for p in partner_list(actor=actor, as_of=mid)}
        op, other = partners & ops, partners - ops
        counts = per_year[year]
        op_mean = sum(counts[p] for p in op) / len(op) if op else 0
        other_mean = sum(counts[p] for p in other) / len(other) if other else 0
        ratio = op_mean / other_mean if other_mean else float("nan")
        print(
            f"{year:<6}{len(op):>12}{op_mean:>9.0f}{len(other):>8}{other_mean:>11.0f}{ratio:>7.2f}"
        )


def main() -> None:
    began = time.perf_counter()
    synthetic = Activity.objects.filter(synthetic=True).count()
    print(
        f"{Activity.objects.count():,} activities ({synthetic:,} synthetic), "
        f"{Nomination.objects.count():,} nominations"
    )
    print(dict(sorted(Activity.objects.values_list("state").annotate(n=Count("pk")))))
    print(dict(sorted(Nomination.objects.values_list("state").annotate(n=Count("pk")))))
    areas()
    attention()
    problems = invariants()
    for problem in problems:
        print("BROKEN:", problem)
    print(f"invariants {'BROKEN' if problems else 'hold'} ({time.perf_counter() - began:.0f} s)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
