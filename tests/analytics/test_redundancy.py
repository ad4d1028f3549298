"""Redundancy: pairs of offered activities that look like duplicates.

- the text measures, without a database (accents, case, punctuation, stop words, numbers);
- the pair finder, without a database, against a comparison of every pair, by both of its
  methods, on hand-made and random activities;
- the API on a hand-built menu with known duplicates and near misses (another area, dates
  too far apart, the same host, unlike titles, not offered), its parameters and errors;
- the API on a generated history against a brute-force comparison of every pair, written
  again here the simple way over `Activity.objects.values(...)` — exact equality;
- who may read it, and a constant number of queries.
"""

from __future__ import annotations

import gc
import random
import re
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from unittest.mock import patch
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities import lifecycle
from coopsec.activities.models import Activity
from coopsec.analytics import similarity
from coopsec.analytics.duplicates import SWEEP, TEXTS, Offer, find_pairs
from coopsec.analytics.filters import Filters
from coopsec.analytics.sections import redundancy as section
from coopsec.network import dates
from tests.activities import factories
from tests.analytics.recompute import TODAY, generate_history

# --- the text measures (no database) --------------------------------------------------------


def test_words_ignore_accents_case_and_punctuation() -> None:
    assert similarity.words("Défense CYBER: cours (avancé)!") == {
        "defense", "cyber", "cours", "avance",
    }  # fmt: skip
    assert similarity.words("Cyber-defence") == similarity.words("cyber defence")
    assert similarity.words("Cœur, Ærø, Łódź, straße") == {"coeur", "aero", "lodz", "strasse"}
    assert similarity.words("snake_case") == {"snake", "case"}


def test_words_drop_stop_words_elisions_numbers_and_single_letters() -> None:
    french = "Le cours de l'OTAN sur la défense d'une région et des frontières"
    assert similarity.words(french) == {"cours", "otan", "defense", "region", "frontieres"}
    english = "The course on the defence of a region and its borders"
    assert similarity.words(english) == {"course", "defence", "region", "borders"}
    # Numbers (years, editions, codes) go; words with digits in them stay.
    assert similarity.words("C4ISR course 2027, edition 12 (5G)") == {
        "c4isr", "course", "edition", "5g",
    }  # fmt: skip
    assert similarity.words("") == frozenset()
    assert similarity.words("de la et 2027 x") == frozenset()


def test_words_of_other_scripts_are_kept() -> None:
    assert similarity.words("Кибер оборона, курс") == {"кибер", "оборона", "курс"}


def test_the_fast_cut_of_plain_text_matches_the_general_one() -> None:
    """ASCII text is cut with a byte table, other text with a regular expression; the two
    agree (here against the regular expression applied to ASCII text as well)."""
    rng = random.Random(3)
    alphabet = "abcXYZ019 -_'.,;:()!?/\\\t\n"
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        general = {
            w for w in re.findall(r"[^\W_]+", text.casefold())
            if len(w) > 1 and not w.isdigit() and w not in similarity.STOP_WORDS
        }  # fmt: skip
        assert similarity.words(text) == general, text


def test_jaccard_is_shared_words_over_all_words_and_undefined_without_words() -> None:
    a, b = frozenset({"cyber", "defence", "course"}), frozenset({"cyber", "defence", "seminar"})
    assert similarity.jaccard(a, b) == 2 / 4
    assert similarity.jaccard(a, a) == 1.0
    assert similarity.jaccard(a, frozenset({"logistics"})) == 0.0
    assert similarity.jaccard(a, frozenset()) is None
    assert similarity.jaccard(frozenset(), frozenset()) is None


def test_two_languages_take_the_more_alike() -> None:
    english = (frozenset({"cyber", "course"}), frozenset({"cyber", "seminar"}))
    french = (frozenset({"cours", "cyber"}), frozenset({"cours", "cyber"}))
    a = (english[0], french[0])
    b = (english[1], french[1])
    assert similarity.bilingual(a, b) == 1.0
    assert similarity.bilingual((english[0], frozenset()), (english[1], french[1])) == 1 / 3
    assert similarity.bilingual((frozenset(), frozenset()), b) is None


def test_the_score_weighs_titles_and_descriptions() -> None:
    assert similarity.score(1.0, 0.5) == pytest.approx(0.6 + 0.2)
    assert similarity.score(0.75, 1.0) == pytest.approx(0.85)
    # An undefined similarity is left out, not counted as 0.
    assert similarity.score(0.75, None) == 0.75
    assert similarity.score(None, 0.5) == 0.5
    assert similarity.score(None, None) is None


# --- the pair finder (no database) ----------------------------------------------------------

DAY = date(2027, 3, 1)


def offer(
    code: str,
    title: str,
    *,
    host: str = "H1",
    area: str = "cyber",
    start: int = 0,
    days: int = 5,
    description: str = "Defending networks against intrusions.",
    title_fr: str = "",
    description_fr: str = "",
    seats: int = 10,
    cost: str = "100",
) -> Offer:
    first = DAY + timedelta(days=start)
    return Offer(
        code, title, title_fr, description, description_fr, host, area, first,
        first + timedelta(days=days - 1), seats, Decimal(cost),
    )  # fmt: skip


def every_pair(
    offers: list[Offer],
    *,
    window_days: int = 45,
    threshold: float = 0.8,
    host: str | None = None,
    last_day: date | None = None,
) -> list[tuple[Any, ...]]:
    """Every qualifying pair, comparing every activity with every other one, ranked."""
    found = []
    for x in offers:
        for y in offers:
            if x.area != y.area or x.host == y.host or (x.start, x.code) >= (y.start, y.code):
                continue
            if host is not None and host not in (x.host, y.host):
                continue
            if last_day is not None and x.start > last_day:
                continue
            days = max(0, (y.start - x.end).days)
            if days > window_days:
                continue
            title = similarity.bilingual(
                (similarity.words(x.title), similarity.words(x.title_fr)),
                (similarity.words(y.title), similarity.words(y.title_fr)),
            )
            text = similarity.bilingual(
                (similarity.words(x.description), similarity.words(x.description_fr)),
                (similarity.words(y.description), similarity.words(y.description_fr)),
            )
            score = similarity.score(title, text)
            if score is None or round(score, 4) < threshold:
                continue
            found.append((-round(score, 4), days, x.start, x.code, y.start, y.code))
    return sorted(found)


def ranked(offers: list[Offer], limit: int = 1000, **options: Any) -> list[tuple[Any, ...]]:
    """The finder's best pairs as `every_pair` lists them, per method (they must agree)."""
    answers = {}
    for strategy in (SWEEP, TEXTS, None):
        found = find_pairs(offers, limit=limit, strategy=strategy, **_defaults(options))
        answers[strategy] = [
            (-p.score, p.days_apart, offers[p.a].start, offers[p.a].code, offers[p.b].start,
             offers[p.b].code)
            for p in found.best
        ]  # fmt: skip
        every = every_pair(offers, **options)
        assert sum(found.pairs_by_area.values()) == len(every), strategy
        involved = {c for pair in every for c in (pair[3], pair[5])}
        assert {offers[k].code for k in found.involved} == involved, strategy
    assert answers[SWEEP] == answers[TEXTS] == answers[None]
    return answers[None]


def _defaults(options: dict[str, Any]) -> dict[str, Any]:
    return {"window_days": 45, "threshold": 0.8, **options}


def test_known_duplicates_and_near_misses() -> None:
    offers = [
        offer("A1", "Cyber defence course", host="CCD", start=0),
        offer("A2", "CYBER DÉFENCE course!", host="PTEC", start=10),  # the same words
        offer("A3", "Cyber defence course", host="JAP", area="cbrn", start=1),  # other area
        offer("A4", "Cyber defence course", host="JAP", start=140),  # too far from all
        offer("A5", "Cyber defence course", host="CCD", start=1),  # A1's host
        offer("A6", "Advanced cyber defence course", host="JAP", start=30),  # 0.75 title
        offer("A7", "Cyber defence seminar", host="JAP", start=5),  # 0.5 title: 0.7
    ]
    # Days apart: from the first one's last day (start + 4) to the second one's start.
    assert ranked(offers) == [
        (-1.0, 5, DAY + timedelta(1), "A5", DAY + timedelta(10), "A2"),
        (-1.0, 6, DAY, "A1", DAY + timedelta(10), "A2"),
        (-0.85, 16, DAY + timedelta(10), "A2", DAY + timedelta(30), "A6"),
        (-0.85, 25, DAY + timedelta(1), "A5", DAY + timedelta(30), "A6"),
        (-0.85, 26, DAY, "A1", DAY + timedelta(30), "A6"),
    ]
    assert ranked(offers, limit=2) == ranked(offers)[:2]
    assert len(ranked(offers, host="JAP")) == 3
    assert len(ranked(offers, window_days=5)) == 1
    assert len(ranked(offers, threshold=0.7)) == 8  # A7 with A1, A2 and A5 come in
    assert len(ranked(offers, last_day=DAY)) == 2  # pairs starting with A1 only


def test_the_window_counts_from_the_first_ones_end_and_overlaps_are_zero_days() -> None:
    long = offer("L", "Staff officers course", host="X", start=0, days=60)
    inside = offer("I", "Staff officers course", host="Y", start=20)
    after = offer("F", "Staff officers course", host="Z", start=59 + 45)
    beyond = offer("B", "Staff officers course", host="W", start=59 + 46)
    pairs = ranked([long, inside, after, beyond])
    assert (-1.0, 0, long.start, "L", inside.start, "I") in pairs
    assert (-1.0, 45, long.start, "L", after.start, "F") in pairs
    assert not [p for p in pairs if "L" in p and "B" in p]


def test_french_texts_count_when_both_have_them() -> None:
    a = offer("A", "Border course", host="X", title_fr="Cours de sécurité des frontières")
    b = offer("B", "Frontier training", host="Y", title_fr="Cours sécurité frontières")
    assert ranked([a, b]) == [(-1.0, 0, DAY, "A", DAY, "B")]
    # Without descriptions, the title alone is the score.
    c = offer("C", "Maritime course", host="X", description="")
    d = offer("D", "Maritime course", host="Y", description="")
    assert ranked([c, d]) == [(-1.0, 0, DAY, "C", DAY, "D")]


def test_both_methods_agree_with_every_pair_on_random_menus() -> None:
    rng = random.Random(11)
    titles = [
        "Cyber defence course", "Advanced cyber defence course", "Cyber defence seminar",
        "Seminar on cyber defence", "Logistics course", "Cours de cyberdéfense",
    ]  # fmt: skip
    texts = ["Networks and intrusions.", "Networks, intrusions and response.", ""]
    for _round in range(12):
        offers = [
            offer(
                f"X{n:03d}", rng.choice(titles), host=rng.choice("ABCD"),
                area=rng.choice(("cyber", "logistics")), start=rng.randint(0, 200),
                days=rng.randint(1, 15), description=rng.choice(texts),
            )
            for n in range(rng.randint(2, 60))
        ]  # fmt: skip
        for options in (
            {}, {"host": "A"}, {"window_days": 0}, {"threshold": 0.6},
            {"last_day": DAY + timedelta(days=100)}, {"host": "B", "last_day": DAY},
        ):  # fmt: skip
            expected = every_pair(offers, **options)
            assert ranked(offers, **options) == expected[:1000], options
            assert ranked(offers, limit=7, **options) == expected[:7], options


def test_the_collector_is_left_as_it_was() -> None:
    offers = [offer("A", "Logistics course", host="X"), offer("B", "Logistics course", host="Y")]
    assert gc.isenabled()
    find_pairs(offers, window_days=1, threshold=0.5, limit=1)
    assert gc.isenabled()
    gc.disable()
    try:
        find_pairs(offers, window_days=1, threshold=0.5, limit=1)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="strategy"):
        find_pairs([], window_days=1, threshold=0.5, limit=1, strategy="magic")


# --- the API on a hand-built menu -----------------------------------------------------------


def api(client: Client, query: dict[str, Any] | None = None, status: int = 200) -> Any:
    response = client.get(f"/api/v1/analytics/redundancy?{urlencode(query or {})}")
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture
def analyst(make_user: Callable[..., User], client_for: Callable[[User], Client]) -> Client:
    return client_for(make_user(R.ANALYST, "NATO"))


def build_menu() -> dict[str, Activity]:
    """Cyber defence activities 60 to 200 days from today; costs per seat 600 (500 + 100)."""
    today = dates.today()

    def make(
        name: str, title: str, host: str, start: int, *, state: str = lifecycle.OPEN,
        area: str = "cyber_defence", days: int = 5, seats: int = 20,
    ) -> Activity:  # fmt: skip
        first = today + timedelta(days=start)
        return factories.activity_in_state(
            state, host=host, area=area, start=first, end=first + timedelta(days=days - 1),
            title=title, description="Incident response for network defenders.",
            seats=seats, cap=None, tuition_cost=Decimal(500), accommodation_cost=Decimal(100),
            code=name,
        )  # fmt: skip

    return {
        "A1": make("RD-A1", "Cyber defence course", "CCDCOE", 60),
        "A2": make("RD-A2", "Cyber Défence Course!", "PTEC-AUT-AUTINT", 70, seats=10),
        "A3": make("RD-A3", "Cyber defence course", "JAPCC", 61, area="cbrn_defence"),
        "A4": make("RD-A4", "Cyber defence course", "JAPCC", 200),
        "A5": make("RD-A5", "Cyber defence course", "CCDCOE", 61),
        "A6": make("RD-A6", "Advanced cyber defence course", "JAPCC", 90, seats=30),
        "A7": make("RD-A7", "Cyber defence seminar", "JAPCC", 65),
        "A8": make("RD-A8", "Cyber defence course", "JAPCC", 71, state=lifecycle.PROPOSED),
        "A9": make("RD-A9", "Cyber defence course", "JAPCC", 72, state=lifecycle.CANCELLED),
        # Approved, not yet published: alliance staff and its host see it.
        "A10": make("RD-A10", "Cyber defence course", "JAPCC", 75, state=lifecycle.APPROVED),
    }


def side(activity: Activity) -> dict[str, Any]:
    return {
        "code": activity.code, "title": activity.title, "host": activity.host.code,
        "start": activity.start.isoformat(), "end": activity.end.isoformat(),
        "seats": activity.seats, "cost": float(activity.seats * 600),
    }  # fmt: skip


@pytest.mark.django_db
def test_the_hand_built_menus_duplicates_come_out_ranked_with_seats_and_cost(
    analyst: Client,
) -> None:
    menu = build_menu()
    body = api(analyst)
    assert body["definitions_version"] == "1"

    def row(a: str, b: str, days: int, title: float, score: float) -> dict[str, Any]:
        first, second = menu[a], menu[b]
        return {
            "activity_a": side(first), "activity_b": side(second), "area": "cyber_defence",
            "days_apart": days, "title_similarity": title, "text_similarity": 1.0,
            "score": score, "seats": first.seats + second.seats,
            "cost": float((first.seats + second.seats) * 600),
        }  # fmt: skip

    # Days 60-64 (A1), 61-65 (A5), 65-69 (A7), 70-74 (A2), 75-79 (A10), 90-94 (A6): the
    # same title first, then the "advanced" course; never A1-A5 or A10-A6 (one host), A3
    # (another area), A4 (too far), A7 (a seminar: 0.7), A8 and A9 (not offered).
    assert body["rows"] == [
        row("A2", "A10", 1, 1.0, 1.0),
        row("A5", "A2", 5, 1.0, 1.0),
        row("A1", "A2", 6, 1.0, 1.0),
        row("A5", "A10", 10, 1.0, 1.0),
        row("A1", "A10", 11, 1.0, 1.0),
        row("A2", "A6", 16, 0.75, 0.85),
        row("A5", "A6", 25, 0.75, 0.85),
        row("A1", "A6", 26, 0.75, 0.85),
    ]
    involved = [menu[k] for k in ("A1", "A2", "A5", "A6", "A10")]
    seats = sum(a.seats for a in involved)
    summary = body["summary"]
    assert {k: summary[k] for k in ("pairs", "activities", "seats_involved", "cost_involved")} == {
        "pairs": 8, "activities": 5, "seats_involved": seats, "cost_involved": seats * 600.0,
    }  # fmt: skip
    assert summary["by_area"] == [
        {"area": "cyber_defence", "pairs": 8, "activities": 5, "seats": seats,
         "cost": seats * 600.0},
    ]  # fmt: skip
    assert (summary["threshold"], summary["window_days"], summary["limit"]) == (0.8, 45, 100)
    assert summary["weights"] == {"title": 0.6, "text": 0.4}
    assert summary["bilateral"] is None and "bilateral" in summary["bilateral_note"]


@pytest.mark.django_db
def test_the_parameters_and_filters_narrow_the_pairs(analyst: Client) -> None:
    menu = build_menu()
    assert api(analyst, {"limit": 2})["summary"]["pairs"] == 8
    assert len(api(analyst, {"limit": 2})["rows"]) == 2
    assert api(analyst, {"threshold": "0.9"})["summary"]["pairs"] == 5
    assert api(analyst, {"window_days": "5"})["summary"]["pairs"] == 2  # A2-A10, A5-A2
    # A host: the pairs one of whose activities it hosts.
    japcc = api(analyst, {"host": "japcc"})
    assert japcc["summary"]["pairs"] == 6 and japcc["summary"]["filters"]["host"] == "JAPCC"
    assert all("JAPCC" in (r["activity_a"]["host"], r["activity_b"]["host"])
               for r in japcc["rows"])  # fmt: skip
    assert api(analyst, {"area": "cbrn_defence"})["summary"]["pairs"] == 0
    assert api(analyst, {"type": "seminar"})["summary"]["pairs"] == 0
    year = menu["A1"].start.year
    assert api(analyst, {"from": year + 5})["summary"]["pairs"] == 0
    # Partner-side filters say nothing about activities: listed as ignored.
    ignored = api(analyst, {"framework": "PfP", "region": "Europe"})["summary"]
    assert ignored["ignored_filters"] == ["framework", "region"] and ignored["pairs"] == 8


@pytest.mark.django_db
def test_a_pair_belongs_to_the_year_its_first_activity_starts_in(analyst: Client) -> None:
    first = date(dates.today().year + 1, 12, 28)
    for code, host, start in (("RD-Y1", "CCDCOE", first), ("RD-Y2", "JAPCC", first.replace(
        year=first.year + 1, month=1, day=20))):  # fmt: skip
        factories.open_activity(
            host=host, area="logistics", start=start, code=code, title="Fuel logistics course"
        )
    year = first.year
    assert api(analyst, {"from": year, "to": year})["summary"]["pairs"] == 1
    assert api(analyst, {"from": year + 1, "to": year + 1})["summary"]["pairs"] == 0
    assert api(analyst, {"to": year - 1})["summary"]["pairs"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"window_days": "-1"}, {"window_days"}),
        ({"window_days": "400"}, {"window_days"}),
        ({"window_days": "ten"}, {"window_days"}),
        ({"window_days": "²"}, {"window_days"}),
        ({"threshold": "0"}, {"threshold"}),
        ({"threshold": "1.5"}, {"threshold"}),
        ({"threshold": "nan"}, {"threshold"}),
        ({"threshold": "high"}, {"threshold"}),
        ({"limit": "0"}, {"limit"}),
        ({"limit": "1001"}, {"limit"}),
        ({"from": "20x6", "limit": "x", "host": "NOWHERE"}, {"from", "limit", "host"}),
    ],
)
def test_bad_parameters_answer_400_naming_each(
    analyst: Client, query: dict[str, str], names: set[str]
) -> None:
    body = api(analyst, query, status=400)
    assert body["error"] == "invalid"
    assert set(body["errors"]) == names


def test_the_schema_documents_the_parameters_and_keeps_other_schemas() -> None:
    from coopsec.api.api import api

    schema = api.get_openapi_schema()
    route = schema["paths"]["/api/v1/analytics/redundancy"]["get"]
    assert {p["name"] for p in route["parameters"]} == {
        "from", "to", "framework", "region", "area", "host", "type", "window_days",
        "threshold", "limit",
    }  # fmt: skip
    # The section's schemas have names of their own: the menu's ActivityOut stays its own.
    components = schema["components"]["schemas"]
    assert "accommodation_cost" in components["ActivityOut"]["properties"]
    assert set(components["RedundancyActivityOut"]["properties"]) == {
        "code", "title", "host", "start", "end", "seats", "cost",
    }  # fmt: skip


@pytest.mark.django_db
def test_the_defaults_are_settings(analyst: Client, settings: Any) -> None:
    build_menu()
    settings.COOPSEC_ANALYTICS = {
        **settings.COOPSEC_ANALYTICS, "redundancy_window_days": 5, "redundancy_threshold": 0.9,
    }  # fmt: skip
    summary = api(analyst)["summary"]
    assert (summary["window_days"], summary["threshold"], summary["pairs"]) == (5, 0.9, 2)


# --- who reads it ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_who_may_read_it(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    build_menu()
    orgs = {R.PARTNER_LIAISON: "GEO", R.INSTITUTION_MANAGER: "PTEC-AUT-AUTINT"}
    for role in (R.COORDINATOR, R.ANALYST, R.ADMIN, R.INSTITUTION_MANAGER):
        client = client_for(make_user(role, orgs.get(role, "NATO")))
        assert api(client)["summary"]["pairs"] > 0, role
    for role in (R.PARTNER_LIAISON, R.AUDITOR):
        body = api(client_for(make_user(role, orgs.get(role, "NATO"))), status=403)
        assert body["error"] == "forbidden", role
    assert api(Client(), status=401)["error"] == "unauthenticated"
    orphan = Actor(user=None, organization=None, roles=frozenset({R.INSTITUTION_MANAGER}))
    assert not section.can_view_redundancy(orphan)


@pytest.mark.django_db
def test_a_manager_counts_only_what_it_sees_on_the_menu(
    make_user: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    """A10 is approved but not published: staff and its host (JAPCC) see its pairs; another
    institution's manager does not."""
    build_menu()
    staff = api(client_for(make_user(R.COORDINATOR, "NATO")))
    ptec = api(client_for(make_user(R.INSTITUTION_MANAGER, "PTEC-AUT-AUTINT")))
    japcc = api(client_for(make_user(R.INSTITUTION_MANAGER, "JAPCC")))

    def codes(body: dict[str, Any]) -> set[str]:
        return {r[k]["code"] for r in body["rows"] for k in ("activity_a", "activity_b")}

    assert "RD-A10" in codes(staff) and "RD-A10" in codes(japcc)
    assert "RD-A10" not in codes(ptec)
    assert ptec["summary"]["pairs"] == 5 and staff["summary"]["pairs"] == 8


# --- the API on a generated history, against every pair -------------------------------------

OFFERED = {"approved", "open", "closed", "conducted", "reported"}
FIELDS = (
    "code", "title", "title_fr", "description", "description_fr", "host__code",
    "primary_area__code", "primary_area__parent__code", "type", "state", "start", "end",
    "seats", "tuition_cost", "accommodation_cost",
)  # fmt: skip


def plain_words(text: str) -> frozenset[str]:
    """docs/analytics.md's words, the simple way: accents off, lower case, runs of letters
    and digits, no stop word, number or single character."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return frozenset(
        w for w in re.findall(r"[^\W_]+", text)
        if len(w) > 1 and not w.isdigit() and w not in similarity.STOP_WORDS
    )  # fmt: skip


def plain_similarity(pairs: list[tuple[str, str]]) -> float | None:
    """The larger of the defined Jaccard similarities, one per language."""
    found = []
    for x, y in pairs:
        a, b = plain_words(x), plain_words(y)
        if a and b:
            found.append(len(a & b) / len(a | b))
    return max(found) if found else None


def brute_force(query: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every pair of offered activities compared, for alliance staff, under the filters."""
    window, threshold, limit = 45, 0.8, int(query.get("limit", 100))
    rows = [dict(zip(FIELDS, r, strict=True)) for r in Activity.objects.values_list(*FIELDS)]
    acts = [
        r for r in rows
        if r["state"] in OFFERED
        and ("area" not in query or query["area"] in (r["primary_area__code"],
                                                      r["primary_area__parent__code"]))
        and ("type" not in query or r["type"] == query["type"])
        and ("from" not in query or r["start"].year >= query["from"])
    ]  # fmt: skip
    pairs = []
    for x in acts:
        for y in acts:
            a, b = (x, y) if (x["start"], x["code"]) < (y["start"], y["code"]) else (y, x)
            if a is not x or x["primary_area__code"] != y["primary_area__code"]:
                continue
            if a["host__code"] == b["host__code"]:
                continue
            if "host" in query and query["host"] not in (a["host__code"], b["host__code"]):
                continue
            if "to" in query and a["start"].year > query["to"]:
                continue
            days = max(0, (b["start"] - a["end"]).days)
            if days > window:
                continue
            title = plain_similarity([(a["title"], b["title"]), (a["title_fr"], b["title_fr"])])
            text = plain_similarity(
                [(a["description"], b["description"]), (a["description_fr"], b["description_fr"])]
            )
            defined = [(w, s) for w, s in ((0.6, title), (0.4, text)) if s is not None]
            if not defined:
                continue
            score = round(sum(w * s for w, s in defined) / sum(w for w, _s in defined), 4)
            if score >= threshold:
                pairs.append((a, b, days, title, text, score))
    pairs.sort(key=lambda p: (-p[5], p[2], p[0]["start"], p[0]["code"], p[1]["start"],
                              p[1]["code"]))  # fmt: skip

    def cost(r: dict[str, Any]) -> Decimal:
        return Decimal(r["seats"] * (r["tuition_cost"] + r["accommodation_cost"]))

    def show(r: dict[str, Any]) -> dict[str, Any]:
        return {
            "code": r["code"], "title": r["title"], "host": r["host__code"],
            "start": r["start"].isoformat(), "end": r["end"].isoformat(), "seats": r["seats"],
            "cost": float(cost(r)),
        }  # fmt: skip

    listed = [
        {
            "activity_a": show(a), "activity_b": show(b), "area": a["primary_area__code"],
            "days_apart": days, "title_similarity": None if t is None else round(t, 4),
            "text_similarity": None if x is None else round(x, 4), "score": score,
            "seats": a["seats"] + b["seats"], "cost": float(cost(a) + cost(b)),
        }
        for a, b, days, t, x, score in pairs[:limit]
    ]  # fmt: skip
    involved = {r["code"]: r for p in pairs for r in p[:2]}
    areas: dict[str, dict[str, Any]] = {}
    for a, _b, *_rest in pairs:
        area = areas.setdefault(a["primary_area__code"], {"pairs": 0})
        area["pairs"] += 1
    by_area = []
    for code, area in areas.items():
        mine = [r for r in involved.values() if r["primary_area__code"] == code]
        by_area.append({
            "area": code, "pairs": area["pairs"], "activities": len(mine),
            "seats": sum(r["seats"] for r in mine), "cost": float(sum(cost(r) for r in mine)),
        })  # fmt: skip
    by_area.sort(key=lambda t: (-t["pairs"], t["area"]))
    summary = {
        "pairs": len(pairs), "activities": len(involved),
        "seats_involved": sum(r["seats"] for r in involved.values()),
        "cost_involved": float(sum((cost(r) for r in involved.values()), Decimal(0))),
        "by_area": by_area,
    }  # fmt: skip
    return listed, summary


@pytest.fixture
def history(analyst: Client) -> Client:
    generate_history(seed=5, activities_per_year=240)
    return analyst


def staff_get(client: Client, query: dict[str, Any]) -> dict[str, Any]:
    with patch("coopsec.network.dates.today", return_value=TODAY):
        body: dict[str, Any] = api(client, query)
    return body


@pytest.mark.django_db
def test_a_generated_history_matches_a_comparison_of_every_pair(history: Client) -> None:
    host = Activity.objects.filter(state__in=OFFERED).values_list("host__code", flat=True)[0]
    for query in (
        {}, {"from": 2026, "to": 2026}, {"to": 2026}, {"from": 2027}, {"type": "course"},
        {"area": "capabilities"}, {"host": host, "limit": 5}, {"limit": 1000},
    ):  # fmt: skip
        body = staff_get(history, query)
        rows, summary = brute_force(query)
        assert body["rows"] == rows, query
        got = {k: v for k, v in body["summary"].items() if k in summary}
        assert got == summary, query
    everything = brute_force({})[1]
    # Not vacuous: many pairs, several areas, similarities below 1, both years.
    assert everything["pairs"] > 100 and len(everything["by_area"]) > 5
    scores = {r["score"] for r in brute_force({"limit": 1000})[0]}
    assert len(scores) > 2
    one, two = brute_force({"to": 2026})[1]["pairs"], brute_force({"from": 2027})[1]["pairs"]
    assert one and two and one + two == everything["pairs"]


@pytest.mark.django_db
def test_both_methods_give_the_same_answer_on_a_generated_history(history: Client) -> None:
    actor = Actor.system()
    for filters in (Filters(), Filters(year_to=2026), Filters(host="JAPCC")):
        answers = [
            section.redundancy(
                actor=actor, filters=filters,
                parameters=section.Parameters(window_days=45, threshold=0.7, limit=300),
                strategy=strategy,
            )
            for strategy in (SWEEP, TEXTS, None)
        ]  # fmt: skip
        assert answers[0] == answers[1] == answers[2], filters


def queries(client: Client, query: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        staff_get(client, query)
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_years_areas_or_pairs(history: Client) -> None:
    one = queries(history, {"from": 2026, "to": 2026})
    ten = queries(history, {"from": 2020, "to": 2029})
    leaf = queries(history, {"area": "cyber_defence"})
    group = queries(history, {"area": "capabilities", "host": "JAPCC"})
    everything = queries(history, {"limit": 1000})
    assert one == ten
    assert leaf == group - 1 == everything + 1  # the host is looked up
    assert ten <= 8
