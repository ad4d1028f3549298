"""The registry's pages: access, the numbers a reader sees, filters, errors and query counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from coopsec.accounts.models import User
from coopsec.web.timeline import YearAxis, year_axis

PAGES = [
    reverse("network:overview"),
    reverse("network:organization-list"),
    reverse("network:organization-detail", args=["GEO"]),
    reverse("network:organization-detail", args=["NATO"]),
    reverse("network:organization-detail", args=["JAPCC"]),
    reverse("network:framework-list"),
    reverse("network:framework-detail", args=["PfP"]),
]


@pytest.fixture
def signed_in(make_user: Callable[..., User], client_for: Callable[[User], Client]) -> Client:
    """A partner liaison: the registry is public reference data for every role."""
    return client_for(make_user("partner_liaison", "GEO"))


def text_of(html: str) -> str:
    """The page's visible text, whitespace collapsed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def count_on_card(html: str, card: str) -> int:
    match = re.search(rf'id="count-{card}">\s*(\d+)\s*<', html)
    assert match, f"no {card} card on the page"
    return int(match.group(1))


def member_rows(html: str) -> list[str]:
    tbody = re.search(r'<table[^>]*id="members">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert tbody, "no members table"
    return re.findall(r"<tr\b.*?</tr>", tbody.group(1), re.S)


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_page_renders_for_a_signed_in_user(signed_in: Client, url: str) -> None:
    response = signed_in.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<main id="main"' in html
    assert 'href="#main"' in html  # skip link
    assert f'action="{reverse("web:logout")}"' in html  # sign-out is a POST form


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitor_is_sent_to_the_login_page(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login") + "?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_no_inline_script(signed_in: Client, url: str) -> None:
    """A `script-src 'self'` policy must not break any page: every script is a file, data
    travels as JSON, and no element has an event-handler attribute."""
    html = signed_in.get(url).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert "javascript:" not in html


@pytest.mark.django_db
def test_login_page_explains_the_product() -> None:
    response = Client().get(reverse("web:login"))
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert "coopsec" in text
    assert "partnership" in text
    assert "Sign in" in text


@pytest.mark.django_db
def test_login_form_signs_in_and_lands_on_the_overview(make_user: Callable[..., User]) -> None:
    user = make_user("coordinator", "NATO")
    client = Client()
    response = client.post(
        reverse("web:login"),
        {"username": user.username, "password": "correct horse battery staple"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("network:overview")
    assert user.username in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        reverse("network:organization-detail", args=["XXX"]),
        reverse("network:framework-detail", args=["NOPE"]),
    ],
)
def test_unknown_code_is_404(signed_in: Client, url: str) -> None:
    assert signed_in.get(url).status_code == 404


@pytest.mark.django_db
def test_organization_code_is_case_insensitive(signed_in: Client) -> None:
    response = signed_in.get(reverse("network:organization-detail", args=["geo"]))
    assert response.status_code == 200
    assert response.context["organization"].name == "Georgia"


# Overview


@pytest.mark.django_db
def test_overview_counts_28_allies_on_2011_09_07(signed_in: Client) -> None:
    response = signed_in.get(reverse("network:overview"), {"as_of": "2011-09-07"})
    html = response.content.decode()
    assert count_on_card(html, "allies") == 28
    assert 'value="2011-09-07"' in html  # the picker shows the date asked for


@pytest.mark.django_db
def test_overview_counts_32_allies_today(signed_in: Client) -> None:
    response = signed_in.get(reverse("network:overview"))
    html = response.content.decode()
    assert count_on_card(html, "allies") == 32
    assert f'value="{date.today().isoformat()}"' in html
    counts = response.context["counts"]
    assert count_on_card(html, "partners") == counts.partners
    assert count_on_card(html, "partner-states") == counts.partner_states
    assert count_on_card(html, "operational") == counts.operational_partners


@pytest.mark.django_db
def test_overview_lists_members_per_framework_with_suspended(signed_in: Client) -> None:
    response = signed_in.get(reverse("network:overview"))
    rows = {
        fw.code: (n, suspended) for fw, n, suspended in response.context["counts"].per_framework
    }
    assert rows["PfP"] == (18, 2)  # Russia and Belarus suspended, not removed
    html = response.content.decode()
    assert f'href="{reverse("network:framework-detail", args=["PfP"])}?as_of=' in html


@pytest.mark.django_db
def test_overview_growth_chart_data_and_table(signed_in: Client) -> None:
    response = signed_in.get(reverse("network:overview"))
    html = response.content.decode()
    chart = response.context["chart"].data
    assert chart["years"][0] == 1991
    assert chart["years"][-1] == date.today().year
    allies = next(s for s in chart["series"] if s["code"] == "Allies")
    assert allies["data"][chart["years"].index(2011)] == 28
    assert allies["data"][-1] == 32
    assert '<script id="growth-data" type="application/json">' in html
    assert '<canvas id="growth-chart"' in html
    assert "vendor/chart.js/chart.umd.js" in html
    # The same numbers as a table, for readers who cannot see the chart.
    assert "<details" in html
    growth_table = html[html.index("<details") :]
    assert re.search(r"<th scope=\"row\">2011</th><td class=\"num\">28</td>", growth_table)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["2011-13-45", "yesterday", "2011-02-30"])
def test_overview_bad_date_shows_an_error_and_falls_back_to_today(
    signed_in: Client, bad: str
) -> None:
    response = signed_in.get(reverse("network:overview"), {"as_of": bad})
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert f"“{bad}” is not a valid date; use the form YYYY-MM-DD." in text
    assert f"as of today, {date.today().isoformat()}, instead" in text
    assert response.context["as_of"] == date.today()
    assert count_on_card(response.content.decode(), "allies") == 32


# Organization list


@pytest.mark.django_db
def test_organization_list_filters_md_members_in_june_1995(signed_in: Client) -> None:
    response = signed_in.get(
        reverse("network:organization-list"), {"framework": "MD", "as_of": "1995-06-01"}
    )
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert page.paginator.count == 5
    names = {o.name for o in page.object_list}
    assert names == {"Egypt", "Israel", "Mauritania", "Morocco", "Tunisia"}
    assert "5 organizations" in text_of(response.content.decode())


@pytest.mark.django_db
def test_organization_list_filters_by_kind_region_and_text(signed_in: Client) -> None:
    url = reverse("network:organization-list")
    institutions = signed_in.get(url, {"kind": "institution", "q": "Tallinn"}).context["page_obj"]
    assert [o.code for o in institutions.object_list] == ["CCDCOE"]
    in_region = signed_in.get(url, {"region": "Western Asia", "kind": "partner_state"})
    codes = {o.code for o in in_region.context["page_obj"].object_list}
    assert {"GEO", "ARM", "AZE", "ISR", "JOR"} <= codes
    assert "TUR" not in codes  # an Ally, not a partner state


@pytest.mark.django_db
def test_organization_list_shows_kind_subtype_and_host_country(signed_in: Client) -> None:
    html = signed_in.get(reverse("network:organization-list"), {"q": "JAPCC"}).content.decode()
    text = text_of(html)
    assert "Joint Air Power Competence Centre" in text
    assert "Institution Centre of Excellence" in text
    assert f'href="{reverse("network:organization-detail", args=["DEU"])}"' in html


@pytest.mark.django_db
def test_organization_list_unknown_framework_is_a_message_not_a_500(signed_in: Client) -> None:
    response = signed_in.get(reverse("network:organization-list"), {"framework": "XYZ"})
    assert response.status_code == 200
    assert "There is no framework with the code “XYZ”" in text_of(response.content.decode())


@pytest.mark.django_db
def test_organization_list_bad_date_and_kind_are_messages(signed_in: Client) -> None:
    response = signed_in.get(
        reverse("network:organization-list"), {"as_of": "1995-99-01", "kind": "planet"}
    )
    assert response.status_code == 200
    text = text_of(response.content.decode())
    assert "“1995-99-01” is not a valid date" in text
    assert "planet is not one of the available choices" in text


@pytest.mark.django_db
def test_organization_list_paginates_50_and_keeps_filters(signed_in: Client) -> None:
    url = reverse("network:organization-list")
    first = signed_in.get(url, {"kind": "institution", "q": ""})
    page = first.context["page_obj"]
    assert page.paginator.count > 50
    assert len(page.object_list) == 50
    html = first.content.decode()
    next_link = re.search(r'<a href="([^"]+)" rel="next">', html)
    assert next_link
    assert unescape(next_link.group(1)) == "?kind=institution&q=&page=2"

    second = signed_in.get(url + unescape(next_link.group(1)))
    page2 = second.context["page_obj"]
    assert page2.number == 2
    assert len(page2.object_list) == page.paginator.count - 50
    assert all(o.kind == "institution" for o in page2.object_list)
    assert 'rel="prev"' in second.content.decode()


@pytest.mark.django_db
def test_organization_list_queries_do_not_grow_with_the_page(
    signed_in: Client, django_assert_max_num_queries: Callable[..., object]
) -> None:
    """One page of 50 rows costs what a page of one row costs (no N+1)."""
    url = reverse("network:organization-list")
    signed_in.get(url)  # warm the session and the user
    with django_assert_max_num_queries(9) as one_row:  # type: ignore[attr-defined]
        response = signed_in.get(url, {"q": "JAPCC"})
    assert len(response.context["page_obj"].object_list) == 1
    with django_assert_max_num_queries(len(one_row)):  # type: ignore[attr-defined]
        response = signed_in.get(url, {"kind": "institution"})
    assert len(response.context["page_obj"].object_list) == 50
    with django_assert_max_num_queries(len(one_row) + 1):  # type: ignore[attr-defined]
        response = signed_in.get(url, {"framework": "PfP", "as_of": "2000-01-01"})
    assert len(response.context["page_obj"].object_list) > 20


# Organization page


@pytest.mark.django_db
def test_organization_page_shows_facts_memberships_and_hosted_institutions(
    signed_in: Client,
) -> None:
    response = signed_in.get(reverse("network:organization-detail", args=["GEO"]))
    html = response.content.decode()
    text = text_of(html)
    assert "Georgia" in text
    assert "Partnership for Peace" in text
    assert "1994-03-23" in text
    assert "NATO-Georgia Commission" in text
    assert [row.membership.body_code for row in response.context["memberships"]] == [
        "PfP",
        "NGC",
    ]
    assert '<svg class="timeline__track"' in html
    assert "ISAF" in text  # operations contributed to


@pytest.mark.django_db
def test_organization_page_shows_dates_at_their_precision(signed_in: Client) -> None:
    text = text_of(
        signed_in.get(reverse("network:organization-detail", args=["EGY"])).content.decode()
    )
    assert "1995-02" in text
    assert "1995-02-01" not in text  # no day that nobody confirmed


@pytest.mark.django_db
def test_organization_page_shows_russia_suspended_from_2014_04(signed_in: Client) -> None:
    response = signed_in.get(reverse("network:organization-detail", args=["RUS"]))
    pfp = next(r for r in response.context["memberships"] if r.membership.body_code == "PfP")
    assert pfp.status == "suspended"
    assert [(p.status, p.start_display) for p in pfp.periods] == [("suspended", "2014-04")]
    assert [s.state for s in pfp.bar.segments] == ["active", "suspended"]
    text = text_of(response.content.decode())
    assert "from 2014-04" in text

    before = signed_in.get(
        reverse("network:organization-detail", args=["RUS"]), {"as_of": "2010-01-01"}
    )
    pfp = next(r for r in before.context["memberships"] if r.membership.body_code == "PfP")
    assert pfp.status == "active"


@pytest.mark.django_db
def test_organization_page_marks_unverified_facts_with_their_note(signed_in: Client) -> None:
    html = signed_in.get(reverse("network:organization-detail", args=["BLR"])).content.decode()
    text = text_of(html)
    assert "Unverified" in text
    assert "the day 11 January is from Wikipedia-derived lists" in text
    assert 'href="https://www.nato.int/cps/en/natohq/topics_49119.htm"' in html


@pytest.mark.django_db
def test_country_page_lists_hosted_institutions(signed_in: Client) -> None:
    html = signed_in.get(reverse("network:organization-detail", args=["EST"])).content.decode()
    assert f'href="{reverse("network:organization-detail", args=["CCDCOE"])}"' in html


# Frameworks


@pytest.mark.django_db
def test_framework_list_shows_every_framework_with_members_today(signed_in: Client) -> None:
    response = signed_in.get(reverse("network:framework-list"))
    rows = {fw.code: (n, suspended) for fw, n, suspended in response.context["frameworks"]}
    assert rows["PfP"] == (18, 2)
    assert rows["NACC"] == (0, 0)  # replaced; still listed
    text = text_of(response.content.decode())
    assert "Partnership for Peace" in text
    assert "Replaced" in text


@pytest.mark.django_db
def test_pfp_page_shows_18_members_today_with_russia_suspended(signed_in: Client) -> None:
    response = signed_in.get(reverse("network:framework-detail", args=["pfp"]))
    html = response.content.decode()
    rows = member_rows(html)
    assert len(rows) == 18
    russia = next(r for r in rows if "Russia" in r)
    assert "badge--suspended" in russia
    austria = next(r for r in rows if "Austria" in r)
    assert "badge--active" in austria
    assert "18 members, 2 of them suspended" in text_of(html)


@pytest.mark.django_db
def test_framework_page_members_as_of_a_past_date(signed_in: Client) -> None:
    response = signed_in.get(
        reverse("network:framework-detail", args=["PfP"]), {"as_of": "2000-01-01"}
    )
    rows = member_rows(response.content.decode())
    finland = next(r for r in rows if "Finland" in r)
    assert "badge--active" in finland
    russia = next(r for r in rows if "Russian" in r or "Russia" in r)
    assert "badge--active" in russia  # not yet suspended in 2000
    poland = [r for r in rows if "Poland" in r]
    assert poland == []  # an Ally since 1999-03-12, no longer a partner


@pytest.mark.django_db
def test_framework_page_bad_date_is_a_message(signed_in: Client) -> None:
    response = signed_in.get(reverse("network:framework-detail", args=["PfP"]), {"as_of": "x"})
    assert response.status_code == 200
    assert "“x” is not a valid date" in text_of(response.content.decode())


# Language


@pytest.mark.django_db
def test_language_switch_posts_to_set_language(signed_in: Client) -> None:
    html = signed_in.get(reverse("network:overview")).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    response = signed_in.post(
        reverse("set_language"), {"language": "fr", "next": reverse("network:overview")}
    )
    assert response.status_code == 302
    page = signed_in.get(reverse("network:overview")).content.decode()
    assert '<html lang="fr">' in page


# The timeline's geometry


def test_year_axis_places_days_and_ticks() -> None:
    axis = YearAxis(first_year=1994, last_year=2026)
    assert axis.x(date(1994, 1, 1)) == "0.000"
    assert axis.x(date(2027, 1, 1)) == "100.000"
    assert [t.year for t in axis.ticks] == [1995, 2000, 2005, 2010, 2015, 2020, 2025]


def test_bar_draws_a_suspension_over_the_membership() -> None:
    axis = year_axis([date(1994, 6, 22)], today=date(2026, 11, 23))
    bar = axis.bar(
        date(1994, 6, 22),
        None,
        today=date(2026, 11, 23),
        periods=[("suspended", date(2014, 4, 1), None)],
    )
    assert bar.open_ended
    active, suspended = bar.segments
    assert float(active.x) < float(suspended.x)
    assert float(suspended.x) + float(suspended.width) == pytest.approx(
        float(axis.x(date(2026, 11, 23))), abs=0.01
    )


@pytest.mark.django_db
def test_overview_cards_link_to_the_lists_they_count(signed_in: Client) -> None:
    overview = signed_in.get(reverse("network:overview"), {"as_of": "2011-09-07"})
    html = unescape(overview.content.decode())
    counts = overview.context["counts"]
    for kind, expected in [
        ("member_state", counts.allies),
        ("partner_state", counts.partner_states),
    ]:
        link = f"{reverse('network:organization-list')}?kind={kind}&as_of=2011-09-07"
        assert f'href="{link}"' in html
        listed = signed_in.get(link).context["page_obj"].paginator.count
        assert listed == expected


@pytest.mark.django_db
def test_unknown_organization_page_says_what_was_not_found(signed_in: Client) -> None:
    response = signed_in.get(reverse("network:organization-detail", args=["XXX"]))
    assert response.status_code == 404
    text = text_of(response.content.decode())
    assert "No organization with code 'XXX'." in text
    assert "Back to the network overview" in text
