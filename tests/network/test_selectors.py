"""Reads of the partnership network, checked against the dated facts of the reference data."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest
from django.test import override_settings

from coopsec.accounts.actor import Actor
from coopsec.errors import NotFound
from coopsec.network import selectors
from coopsec.network.dates import DAY, MONTH, YEAR, PartialDate, format_partial, parse_partial
from coopsec.network.models import Membership, OperationContribution, Organization

if TYPE_CHECKING:
    from tests.network.conftest import FreezeToday

ACTOR = Actor.system()


def d(text: str) -> date:
    return date.fromisoformat(text)


def ally_codes(as_of: str) -> set[str]:
    return {m.organization.code for m in selectors.ally_list(actor=ACTOR, as_of=d(as_of))}


def member_codes(framework: str, as_of: str) -> set[str]:
    return {
        m.organization.code
        for m in selectors.framework_members(actor=ACTOR, code=framework, as_of=d(as_of))
    }


def operational_codes(as_of: str) -> set[str]:
    ids = selectors.operational_partner_ids(actor=ACTOR, as_of=d(as_of))
    return set(Organization.objects.filter(pk__in=ids).values_list("code", flat=True))


# --- coopsec.network.dates.parse_partial -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "precision", "shown"),
    [
        ("2019-06-01", date(2019, 6, 1), DAY, "2019-06-01"),
        ("1995-02", date(1995, 2, 1), MONTH, "1995-02"),
        ("2005", date(2005, 1, 1), YEAR, "2005"),
        (" 2021 ", date(2021, 1, 1), YEAR, "2021"),
        ("2024-02-29", date(2024, 2, 29), DAY, "2024-02-29"),
    ],
)
def test_parse_partial_reads_a_partial_date_as_its_first_day(
    text: str, value: date, precision: str, shown: str
) -> None:
    parsed = parse_partial(text)
    assert parsed == PartialDate(value, precision)
    assert str(parsed) == shown


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
        ("yesterday", "is not a date of the form"),
        ("24/08/1949", "is not a date of the form"),
        ("1949-8-24", "is not a date of the form"),
        ("49", "is not a date of the form"),
        ("2019-06-01T00:00", "is not a date of the form"),
        ("2011-13-07", "is not a valid date"),
        ("2019-13", "is not a valid date"),
        ("2019-00", "is not a valid date"),
        ("2023-02-29", "is not a valid date"),
        ("2019-06-31", "is not a valid date"),
    ],
)
def test_parse_partial_names_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as excinfo:
        parse_partial(text)
    assert f"'{text}'" in str(excinfo.value)


def test_format_partial_shows_only_the_known_precision() -> None:
    assert format_partial(date(1995, 2, 1), MONTH) == "1995-02"
    assert format_partial(date(2005, 1, 1), YEAR) == "2005"
    assert format_partial(date(2005, 6, 22), DAY) == "2005-06-22"
    assert format_partial(None, DAY) == ""


# --- Allies and framework members on a date ---------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("as_of", "allies", "day_before"),
    [
        ("1949-08-24", 12, 0),
        # Albania and Croatia acceded on the same day.
        ("2009-04-01", 28, 26),
        ("2017-06-05", 29, 28),
        ("2020-03-27", 30, 29),
        ("2023-04-04", 31, 30),
        ("2024-03-07", 32, 31),
    ],
)
def test_allies_on_accession_days(as_of: str, allies: int, day_before: int) -> None:
    assert len(ally_codes(as_of)) == allies
    assert len(ally_codes((d(as_of) - timedelta(days=1)).isoformat())) == day_before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("as_of", "allies"), [("2011-09-07", 28), ("2019-06-01", 29), ("2026-11-23", 32)]
)
def test_allies_on_dates_of_the_issue(as_of: str, allies: int) -> None:
    assert len(ally_codes(as_of)) == allies


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("framework", "as_of", "members"),
    [
        ("PfP", "1994-08-03", 22),
        ("PfP", "2009-04-01", 22),
        ("PfP", "2011-09-07", 22),
        ("PfP", "2017-06-04", 22),
        ("PfP", "2017-06-05", 21),
        ("PfP", "2019-06-01", 21),
        ("PfP", "2026-11-23", 18),
        ("MD", "1995-06-01", 5),
        ("MD", "2019-06-01", 7),
        ("ICI", "2019-06-01", 4),
        ("PAG", "2017-01-01", 8),
        ("PAG", "2019-06-01", 9),
    ],
)
def test_framework_members_on_documented_dates(framework: str, as_of: str, members: int) -> None:
    assert len(member_codes(framework, as_of)) == members


@pytest.mark.django_db
def test_colombia_joins_the_partners_across_the_globe_in_2018() -> None:
    assert "COL" not in member_codes("PAG", "2017-01-01")
    assert "COL" not in member_codes("PAG", "2018-05-30")
    assert "COL" in member_codes("PAG", "2018-05-31")


@pytest.mark.django_db
def test_framework_codes_are_case_insensitive_and_unknown_ones_raise_not_found() -> None:
    assert member_codes("pfp", "2019-06-01") == member_codes("PfP", "2019-06-01")
    with pytest.raises(NotFound, match="No framework with code 'XYZ'"):
        selectors.framework_members(actor=ACTOR, code="XYZ", as_of=d("2019-06-01"))


@pytest.mark.django_db
def test_a_suspended_partner_stays_a_member_with_status_suspended() -> None:
    def pfp_status(as_of: str) -> dict[str, str]:
        members = selectors.framework_members(actor=ACTOR, code="PfP", as_of=d(as_of))
        return {m.organization.code: m.status for m in members}

    assert pfp_status("2014-03-31")["RUS"] == "active"
    assert pfp_status("2014-04-01")["RUS"] == "suspended"
    today = pfp_status("2026-11-23")
    assert today["RUS"] == today["BLR"] == "suspended"
    assert sorted(code for code, status in today.items() if status == "suspended") == [
        "BLR",
        "RUS",
    ]


@pytest.mark.django_db
def test_partner_states_on_2019_06_01() -> None:
    partners = selectors.partner_list(actor=ACTOR, as_of=d("2019-06-01"), kind="partner_state")
    codes = {o.code for o in partners}
    assert len(partners) == len(codes) == 41
    assert codes == (
        member_codes("PfP", "2019-06-01")
        | member_codes("MD", "2019-06-01")
        | member_codes("ICI", "2019-06-01")
        | member_codes("PAG", "2019-06-01")
    )
    # Finland and Sweden are Allies today but were partner states in 2019.
    assert {"FIN", "SWE"} <= codes
    assert {"MYS", "SGP"}.isdisjoint(codes)  # contributed to ISAF, never partners


@pytest.mark.django_db
def test_organization_list_classifies_states_by_what_they_were_on_the_date() -> None:
    def codes(kind: str, as_of: str) -> set[str]:
        return {o.code for o in selectors.organization_list(actor=ACTOR, kind=kind, as_of=d(as_of))}

    assert "FIN" in codes("partner_state", "2019-06-01")
    assert "FIN" not in codes("member_state", "2019-06-01")
    assert "FIN" in codes("member_state", "2024-01-01")
    assert "FIN" not in codes("partner_state", "2024-01-01")
    assert len(codes("member_state", "2019-06-01")) == 29


@pytest.mark.django_db
@override_settings(COOPSEC_ALLIANCE_CODE="XYZ")
def test_ally_list_names_a_missing_alliance() -> None:
    with pytest.raises(NotFound, match="The alliance 'XYZ' is not loaded"):
        selectors.ally_list(actor=ACTOR, as_of=d("2019-06-01"))


# --- Half-open periods and Membership.status_on -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("country", "accession"), [("SWE", "2024-03-07"), ("FIN", "2023-04-04")])
def test_on_its_accession_day_a_partner_is_an_ally_and_no_longer_a_partner(
    country: str, accession: str
) -> None:
    day_before = (d(accession) - timedelta(days=1)).isoformat()
    assert country in member_codes("PfP", day_before)
    assert country not in ally_codes(day_before)
    assert country in ally_codes(accession)
    assert country not in member_codes("PfP", accession)
    partners = selectors.partner_list(actor=ACTOR, as_of=d(accession))
    assert country not in {o.code for o in partners}


@pytest.mark.django_db
def test_status_on_follows_the_membership_and_its_status_periods() -> None:
    russia_pfp = Membership.objects.get(organization__code="RUS", framework__code="PfP")
    assert russia_pfp.status_on(d("1994-06-21")) == "not_started"
    assert russia_pfp.status_on(d("1994-06-22")) == "active"
    assert russia_pfp.status_on(d("2014-03-31")) == "active"
    # The suspension is dated 2014-04 and so reads as 2014-04-01.
    assert russia_pfp.status_on(d("2014-04-01")) == "suspended"
    assert russia_pfp.status_on(d("2026-11-23")) == "suspended"

    afghanistan_pag = Membership.objects.get(organization__code="AFG", framework__code="PAG")
    assert afghanistan_pag.status_on(d("2021-08-19")) == "active"
    assert afghanistan_pag.status_on(d("2021-08-20")) == "suspended"

    sweden_pfp = Membership.objects.get(organization__code="SWE", framework__code="PfP")
    assert sweden_pfp.status_on(d("2024-03-06")) == "active"
    assert sweden_pfp.status_on(d("2024-03-07")) == "ended"
    assert sweden_pfp.is_active_on(d("2024-03-06"))
    assert not sweden_pfp.is_active_on(d("2024-03-07"))


@pytest.mark.django_db
def test_a_status_period_with_an_end_gives_way_to_active() -> None:
    belarus = Membership.objects.get(organization__code="BLR", framework__code="PfP")
    period = belarus.status_periods.get()
    period.end = d("2030-01-01")
    period.save(update_fields=["end"])
    belarus = Membership.objects.get(pk=belarus.pk)
    assert belarus.status_on(d("2020-12-31")) == "active"
    assert belarus.status_on(d("2021-01-01")) == "suspended"
    assert belarus.status_on(d("2029-12-31")) == "suspended"
    assert belarus.status_on(d("2030-01-01")) == "active"


@pytest.mark.django_db
def test_malta_counts_in_pfp_only_during_its_two_periods() -> None:
    assert "MLT" in member_codes("PfP", "1995-04-26")
    assert "MLT" in member_codes("PfP", "1996-10-26")
    assert "MLT" not in member_codes("PfP", "1996-10-27")
    assert "MLT" not in member_codes("PfP", "2008-04-02")
    assert "MLT" in member_codes("PfP", "2008-04-03")
    malta = selectors.organization_memberships(
        actor=ACTOR, organization=Organization.objects.get(code="MLT")
    )
    assert [(m.start_display, m.end_display) for m in malta] == [
        ("1995-04-26", "1996-10-27"),
        ("2008-04-03", ""),
    ]


# --- Operational partners (derived from contributions and operation dates) -------------


@pytest.mark.django_db
def test_georgia_is_an_operational_partner_through_isaf_and_malaysia_never_is() -> None:
    on_2012 = operational_codes("2012-01-01")
    assert "GEO" in on_2012
    # Malaysia contributed to ISAF but was never in a partnership framework.
    assert Organization.objects.get(code="MYS").contributions.filter(operation__code="ISAF")
    assert "MYS" not in on_2012
    # Kazakhstan is a partner that contributed to none of the listed operations.
    assert "KAZ" in member_codes("PfP", "2012-01-01")
    assert "KAZ" not in on_2012


@pytest.mark.django_db
def test_operational_status_follows_the_operation_dates() -> None:
    # Jordan contributed to ISAF only; ISAF ran 2003-08-11 to 2014-12.
    assert "JOR" not in operational_codes("2003-08-10")
    assert "JOR" in operational_codes("2003-08-11")
    assert "JOR" in operational_codes("2014-11-30")
    assert "JOR" not in operational_codes("2014-12-01")
    # Ireland: KFOR since 1999-06-12, but a PfP partner only from 1999-12-01.
    assert "IRL" not in operational_codes("1999-11-30")
    assert "IRL" in operational_codes("1999-12-01")


@pytest.mark.django_db
def test_an_ally_is_no_longer_counted_as_an_operational_partner() -> None:
    # Sweden contributes to KFOR and NMI; it stops being a partner on accession.
    assert "SWE" in operational_codes("2024-03-06")
    assert "SWE" not in operational_codes("2024-03-07")


@pytest.mark.django_db
def test_contribution_dates_of_their_own_override_the_operation_dates() -> None:
    jordan_isaf = OperationContribution.objects.get(
        organization__code="JOR", operation__code="ISAF"
    )
    jordan_isaf.start, jordan_isaf.end = d("2010-01-01"), d("2011-01-01")
    jordan_isaf.save(update_fields=["start", "end"])
    assert "JOR" not in operational_codes("2009-12-31")
    assert "JOR" in operational_codes("2010-06-01")
    assert "JOR" not in operational_codes("2011-01-01")
    contributors = selectors.operation_contributors(actor=ACTOR, code="ISAF", as_of=d("2012-01-01"))
    assert "JOR" not in {c.organization.code for c in contributors}


# --- network_counts and network_growth --------------------------------------------------


@pytest.mark.django_db
def test_network_counts_on_2019_06_01() -> None:
    counts = selectors.network_counts(actor=ACTOR, as_of=d("2019-06-01"))
    assert counts.allies == 29
    assert counts.partners == counts.partner_states == 41
    per_framework = {fw.code: (n, suspended) for fw, n, suspended in counts.per_framework}
    assert per_framework["PfP"] == (21, 1)  # Russia suspended, Belarus not yet
    assert per_framework["MD"] == (7, 0)
    assert per_framework["ICI"] == (4, 0)
    assert per_framework["PAG"] == (9, 0)
    assert per_framework["NRC"] == (1, 1)
    # Bodies with no member that day are left out.
    assert "NUC" not in per_framework
    assert "EAPC" not in per_framework
    assert counts.operational_partners == len(
        selectors.operational_partner_ids(actor=ACTOR, as_of=d("2019-06-01"))
    )
    assert counts.operational_partners > 0


@pytest.mark.django_db
def test_network_counts_today() -> None:
    counts = selectors.network_counts(actor=ACTOR, as_of=d("2026-11-23"))
    per_framework = {fw.code: (n, suspended) for fw, n, suspended in counts.per_framework}
    assert counts.allies == 32
    assert per_framework["PfP"] == (18, 2)
    assert per_framework["PAG"] == (9, 1)  # Afghanistan suspended since 2021-08-20
    assert "NUCOM" not in per_framework
    assert per_framework["NUC"] == (1, 0)


@pytest.mark.django_db
def test_network_growth_of_the_alliance(freeze_today: FreezeToday) -> None:
    with freeze_today(d("2026-11-23")):
        growth = selectors.network_growth(actor=ACTOR, first_year=1949, last_year=2026)
    allies = dict(zip(growth.years, growth.series["Allies"], strict=True))
    assert growth.years[0] == 1949 and growth.years[-1] == 2026
    assert allies[1949] == 12
    assert allies[1952] == 14
    assert allies[1982] == 16
    assert allies[1999] == 19
    assert allies[2004] == 26
    assert allies[2009] == 28
    assert allies[2023] == 31
    assert allies[2024] == 32
    assert allies[2026] == 32
    pfp = dict(zip(growth.years, growth.series["PfP"], strict=True))
    assert pfp[1993] == 0
    assert pfp[2024] == pfp[2026] == 18


@pytest.mark.django_db
def test_network_growth_counts_the_current_year_as_of_today(freeze_today: FreezeToday) -> None:
    # On 2024-03-06 Sweden had not yet acceded: 2024 shows 31 Allies, not the year-end 32.
    with freeze_today(d("2024-03-06")):
        growth = selectors.network_growth(actor=ACTOR, first_year=2023, last_year=2024)
    assert growth.series["Allies"] == [31, 31]


@pytest.mark.django_db
def test_network_growth_leaves_out_bodies_without_members() -> None:
    growth = selectors.network_growth(actor=ACTOR, first_year=1949, last_year=1960)
    assert list(growth.series) == ["Allies"]
    assert growth.series["Allies"][0] == 12
    assert growth.series["Allies"][-1] == 15
