"""Finding the pairs of activities that look like duplicates (no Django here): the same
primary area, the second starting at most `window_days` after the first ends, different
hosts, and a score (`similarity.py`), rounded to `measures.DECIMALS`, of at least the
threshold.

Activities are sorted by area, start and code; a pair's first activity `a` is the earlier
in that order. Pairs are never listed all: per area, one of two methods, whichever compares
less, finds the counts, the activities involved and the best pairs —

- **sweep**: for each activity, the activities of its area that start from it to the end of
  its window (found by bisection), compared one by one (similarities cached per pair of
  texts). Right when most activities have texts of their own.
- **texts**: the distinct texts of the area are compared once each, pair by pair; then for
  each activity and each text alike enough to its own, the activities with that text in its
  window are a range of a sorted list, counted by bisection (those of the same host
  subtracted) and marked as involved with difference arrays. Right when few texts recur
  (menus repeating the same courses, the synthetic histories), where pairs run to the
  hundreds of thousands.

Under a host filter, the activities whose dates keep them from pairing with any of the
host's are set aside first. The best `limit` pairs (score, then fewest days apart, then
start dates and codes) are then merged from the sorted ranges with a heap.
tests/analytics/test_redundancy.py checks both methods against a brute-force comparison of
every pair.
"""

from __future__ import annotations

import gc
import heapq
import itertools
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from coopsec.analytics import similarity
from coopsec.analytics.measures import rounded
from coopsec.analytics.similarity import Words

SWEEP, TEXTS = "sweep", "texts"


class Offer(NamedTuple):
    """One offered activity, as the finder needs it (a tuple: tens of thousands are made per
    answer, and a tuple is the cheapest to make)."""

    code: str
    title: str
    title_fr: str
    description: str
    description_fr: str
    host: str
    area: str
    start: date
    end: date
    seats: int
    cost_per_seat: Decimal


@dataclass(frozen=True)
class Listed:
    """One pair of the best: indices into the offers given."""

    a: int
    b: int
    days_apart: int
    title_similarity: float | None
    text_similarity: float | None
    score: float  # rounded


@dataclass(frozen=True)
class Found:
    best: list[Listed]
    pairs_by_area: dict[str, int]
    involved: set[int]  # offers (indices) in at least one pair
    methods: dict[str, str] = field(default_factory=dict)  # area -> SWEEP or TEXTS


@dataclass(frozen=True)
class _Alike:
    title: float | None
    text: float | None
    score: float | None  # rounded: what the threshold and the ranking see


class _Texts:
    """Each distinct set of words gets a number, and so does each distinct (title,
    description) in both languages; similarities are computed once per pair of numbers."""

    def __init__(self) -> None:
        self._of_text: dict[str, int] = {}
        self._sets: dict[Words, int] = {}
        self._words: list[Words] = []
        self._numbers: dict[tuple[int, int, int, int], int] = {}
        self._parts: list[tuple[int, int, int, int]] = []
        self._alike: dict[tuple[int, int], _Alike] = {}

    def _of(self, text: str) -> int:
        found = self._of_text.get(text)
        if found is None:
            words = similarity.words(text)
            found = self._sets.get(words)
            if found is None:
                found = self._sets[words] = len(self._words)
                self._words.append(words)
            self._of_text[text] = found
        return found

    def number(self, offer: Offer) -> int:
        key = (
            self._of(offer.title), self._of(offer.title_fr),
            self._of(offer.description), self._of(offer.description_fr),
        )  # fmt: skip
        found = self._numbers.get(key)
        if found is None:
            found = self._numbers[key] = len(self._parts)
            self._parts.append(key)
        return found

    def alike(self, s: int, t: int) -> _Alike:
        key = (s, t) if s <= t else (t, s)
        found = self._alike.get(key)
        if found is None:
            w = self._words
            ts, tfs, xs, xfs = self._parts[s]
            tt, tft, xt, xft = self._parts[t]
            title = similarity.bilingual((w[ts], w[tfs]), (w[tt], w[tft]))
            text = similarity.bilingual((w[xs], w[xfs]), (w[xt], w[xft]))
            found = self._alike[key] = _Alike(title, text, rounded(similarity.score(title, text)))
        return found


class _Run:
    """Activities of one text (or one text and host), in position order."""

    __slots__ = ("cover", "positions", "starts")

    def __init__(self) -> None:
        self.positions: list[int] = []
        self.starts: list[int] = []
        self.cover: list[int] = []


# A range of candidates for one first activity: (score, a, sorted positions, lo, hi, the host
# to skip or None). Its pairs, in position order, come in ranking order.
_Range = tuple[float, int, list[int], int, int, str | None]


def find_pairs(
    offers: Sequence[Offer],
    *,
    window_days: int,
    threshold: float,
    limit: int,
    host: str | None = None,
    last_day: date | None = None,
    strategy: str | None = None,
) -> Found:
    """The pairs of `offers` that look like duplicates: how many per area, which offers are
    in one, and the `limit` best. `host`: only pairs one of whose activities it hosts.
    `last_day`: only pairs whose first activity starts by then. `strategy` forces a method
    (SWEEP or TEXTS) in every area; None picks per area."""
    if strategy not in (None, SWEEP, TEXTS):
        raise ValueError(f"Unknown strategy '{strategy}'.")
    with collector_paused():
        # Under the host filter, only activities whose window meets one of the host's can
        # be in a pair: the others are never read (nor their words found).
        candidates = range(len(offers)) if host is None else _near(offers, host, window_days)
        finder = _Finder(offers, candidates, window_days, threshold, host, last_day)
        ranges: list[_Range] = []
        counts: dict[str, int] = {}
        methods: dict[str, str] = {}
        for area, group in itertools.groupby(range(len(finder.offers)), finder.area_of):
            positions = list(group)
            first, stop = positions[0], positions[-1] + 1
            counts[area], methods[area] = finder.area(first, stop, ranges, strategy)
        best = finder.best(ranges, limit)
        involved = {finder.order[p] for p in finder.involved}
    return Found(best, counts, involved, methods)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the block. The finder makes tens of thousands of
    containers and no reference cycle; the collections they would set off cost a third of
    its time (docs/analytics.md, "Redundancy"). Restored as it was, whatever happens."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _near(offers: Sequence[Offer], host: str, window_days: int) -> list[int]:
    """The offers that may pair with one of `host`'s: its own, and those of the same area
    whose span [start, end + window] meets the span of one of its activities (two
    activities are close enough exactly when their spans meet)."""
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for o in offers:
        if o.host == host:
            spans[o.area].append((o.start.toordinal(), o.end.toordinal() + window_days))
    merged: dict[str, tuple[list[int], list[int]]] = {}
    for area, found in spans.items():
        firsts: list[int] = []
        lasts: list[int] = []
        for first, last in sorted(found):
            if lasts and first <= lasts[-1]:
                lasts[-1] = max(lasts[-1], last)
            else:
                firsts.append(first)
                lasts.append(last)
        merged[area] = (firsts, lasts)
    near = []
    for k, o in enumerate(offers):
        union = merged.get(o.area)
        if union is None:
            continue
        # The last merged span starting by this one's end is the only one that can meet it.
        i = bisect_right(union[0], o.end.toordinal() + window_days) - 1
        if i >= 0 and union[1][i] >= o.start.toordinal():
            near.append(k)
    return near


class _Finder:
    def __init__(
        self,
        offers: Sequence[Offer],
        candidates: Sequence[int],
        window_days: int,
        threshold: float,
        host: str | None,
        last_day: date | None,
    ) -> None:
        # Positions: the candidates by area, start and code; `order` maps them back.
        self.order = sorted(
            candidates, key=lambda k: (offers[k].area, offers[k].start, offers[k].code)
        )
        self.offers = [offers[k] for k in self.order]
        self.threshold = threshold
        self.host_filter = host
        self.last = None if last_day is None else last_day.toordinal()
        self.start = [o.start.toordinal() for o in self.offers]
        self.end = [o.end.toordinal() for o in self.offers]
        # The last day a second activity may start on.
        self.reach = [end + window_days for end in self.end]
        self.host = [o.host for o in self.offers]
        self.texts = _Texts()
        self.number = [self.texts.number(o) for o in self.offers]
        self.involved: set[int] = set()

    def area_of(self, position: int) -> str:
        return self.offers[position].area

    def area(
        self, first: int, stop: int, ranges: list[_Range], strategy: str | None
    ) -> tuple[int, str]:
        """Find one area's pairs (positions first..stop-1): add their ranges, mark the
        activities involved; answer the number of pairs and the method used."""
        last_a = stop if self.last is None else bisect_right(self.start, self.last, first, stop)
        if strategy is None:
            distinct = len(set(self.number[first:stop]))
            candidates = sum(
                bisect_right(self.start, self.reach[p], p + 1, stop) - p - 1
                for p in range(first, last_a)
            )
            strategy = TEXTS if distinct * (distinct + 1) // 2 <= candidates else SWEEP
        if strategy == TEXTS:
            return self._by_texts(first, stop, last_a, ranges), TEXTS
        return self._by_sweep(first, stop, last_a, ranges), SWEEP

    def _pairs_with(self, a_host: str, b_host: str) -> bool:
        """Different hosts, one of them the filter's (if any)."""
        if a_host == b_host:
            return False
        wanted = self.host_filter
        return wanted is None or wanted in (a_host, b_host)

    def _by_sweep(self, first: int, stop: int, last_a: int, ranges: list[_Range]) -> int:
        count = 0
        start, host, number, reach = self.start, self.host, self.number, self.reach
        for p in range(first, last_a):
            own_host, own_number = host[p], number[p]
            for q in range(p + 1, bisect_right(start, reach[p], p + 1, stop)):
                if not self._pairs_with(own_host, host[q]):
                    continue
                score = self.texts.alike(own_number, number[q]).score
                if score is None or score < self.threshold:
                    continue
                count += 1
                self.involved.update((p, q))
                ranges.append((score, p, [q], 0, 1, None))
        return count

    def _by_texts(self, first: int, stop: int, last_a: int, ranges: list[_Range]) -> int:
        # Per text, its activities (positions, ascending) with their starts and a difference
        # array: how many first activities' ranges cover each one (as a second activity);
        # and the same per text and host, where the same host's ranges are subtracted (or,
        # under the host filter, the filter's added).
        texts: dict[int, _Run] = {}
        by_host: dict[int, dict[str, _Run]] = defaultdict(dict)
        for p in range(first, stop):
            number, host = self.number[p], self.host[p]
            for run in (
                texts.setdefault(number, _Run()),
                by_host[number].setdefault(host, _Run()),
            ):
                run.positions.append(p)
                run.starts.append(self.start[p])
        for run in itertools.chain(texts.values(), *(h.values() for h in by_host.values())):
            run.cover = [0] * (len(run.positions) + 1)
        alike: dict[int, list[tuple[float, _Run, dict[str, _Run]]]] = {}
        for s in texts:
            scores = ((t, self.texts.alike(s, t).score) for t in sorted(texts))
            alike[s] = [
                (sc, texts[t], by_host[t]) for t, sc in scores if sc is not None
                and sc >= self.threshold
            ]  # fmt: skip
        wanted = self.host_filter
        count = 0
        for p in range(first, last_a):
            own_host, reach = self.host[p], self.reach[p]
            only = wanted is not None and own_host != wanted
            for score, text_run, hosts in alike[self.number[p]]:
                within = hosts.get(wanted) if only and wanted is not None else text_run
                if within is None:
                    continue
                lo, hi = bisect_right(within.positions, p), bisect_right(within.starts, reach)
                if hi <= lo:
                    continue
                found = hi - lo
                same = None if only else hosts.get(own_host)
                lo2 = hi2 = 0
                if same is not None:
                    lo2, hi2 = bisect_right(same.positions, p), bisect_right(same.starts, reach)
                    found -= hi2 - lo2
                    if found <= 0:
                        continue
                within.cover[lo] += 1
                within.cover[hi] -= 1
                if hi2 > lo2 and same is not None:
                    same.cover[lo2] -= 1
                    same.cover[hi2] += 1
                ranges.append((score, p, within.positions, lo, hi, None if only else own_host))
                count += found
                self.involved.add(p)
        # Under the host filter, the ranges were added to the host runs, not the text runs:
        # an activity is covered by its text's run and its host run together.
        for number, run in texts.items():
            hosts = by_host[number]
            own_cover = {h: list(itertools.accumulate(r.cover)) for h, r in hosts.items()}
            place: dict[str, int] = defaultdict(int)
            for covered, p in zip(itertools.accumulate(run.cover), run.positions, strict=False):
                host = self.host[p]
                if covered + own_cover[host][place[host]] > 0:
                    self.involved.add(p)
                place[host] += 1
        return count

    def best(self, ranges: list[_Range], limit: int) -> list[Listed]:
        """The `limit` best pairs: by score, then fewest days apart, then the first
        activity's start and code, then the second's."""
        levels: dict[float, list[_Range]] = defaultdict(list)
        for found in ranges:
            levels[found[0]].append(found)
        best: list[Listed] = []
        for score in sorted(levels, reverse=True):
            level = levels[score]
            heap = []
            for n, (_score, p, listed, lo, hi, skip) in enumerate(level):
                at = self._next(listed, lo, hi, skip)
                if at < hi:
                    heap.append((self._key(p, listed[at]), n, at))
            heapq.heapify(heap)
            while heap and len(best) < limit:
                _key, n, at = heapq.heappop(heap)
                _score, p, listed, _lo, hi, skip = level[n]
                best.append(self._listed(p, listed[at], score))
                at = self._next(listed, at + 1, hi, skip)
                if at < hi:
                    heapq.heappush(heap, (self._key(p, listed[at]), n, at))
            if len(best) >= limit:
                break
        return best

    def _next(self, listed: list[int], at: int, hi: int, skip: str | None) -> int:
        while at < hi and self.host[listed[at]] == skip:
            at += 1
        return at

    def _key(self, p: int, q: int) -> tuple[int, int, str, int, str]:
        days = max(0, self.start[q] - self.end[p])
        return (days, self.start[p], self.offers[p].code, self.start[q], self.offers[q].code)

    def _listed(self, p: int, q: int, score: float) -> Listed:
        alike = self.texts.alike(self.number[p], self.number[q])
        return Listed(
            a=self.order[p],
            b=self.order[q],
            days_apart=max(0, self.start[q] - self.end[p]),
            title_similarity=alike.title,
            text_similarity=alike.text,
            score=score,
        )
