"""`coopsec load-reference`: idempotent loads, --dry-run, and precise errors on bad files."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.activities.models import CooperationArea
from coopsec.audit.models import AuditEvent
from coopsec.errors import Forbidden
from coopsec.network import reference as loader
from coopsec.network.models import (
    Framework,
    Membership,
    MembershipStatusPeriod,
    Operation,
    OperationContribution,
    Organization,
)
from coopsec.network.reference import ReferenceDataError, RowError, apply_reference, read_reference

if TYPE_CHECKING:
    from tests.network.conftest import ReferenceCopy

pytestmark = pytest.mark.django_db

MODELS: list[type[models.Model]] = [
    Organization,
    Framework,
    Membership,
    MembershipStatusPeriod,
    Operation,
    OperationContribution,
]

TOTALS = re.compile(r"^(\d+) created, (\d+) updated, (\d+) unchanged$", re.MULTILINE)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every registry table, field by field."""
    return {m.__name__: list(m._default_manager.order_by("pk").values()) for m in MODELS}


def load(*args: str) -> tuple[int, int, int]:
    """Run the command; its totals line as (created, updated, unchanged)."""
    out = io.StringIO()
    call_command("load_reference", *args, stdout=out, stderr=io.StringIO())
    match = TOTALS.search(out.getvalue())
    assert match, out.getvalue()
    created, updated, unchanged = (int(n) for n in match.groups())
    return created, updated, unchanged


def test_second_run_creates_and_updates_nothing(reference: None) -> None:
    load()
    before = snapshot()
    created, updated, unchanged = load()
    assert (created, updated) == (0, 0)
    # Every registry row and every cooperation area is unchanged.
    assert unchanged == sum(len(rows) for rows in before.values()) + CooperationArea.objects.count()
    assert snapshot() == before


def test_load_into_an_empty_registry_creates_every_row_then_nothing(reference: None) -> None:
    expected = snapshot()
    for model in reversed(MODELS):
        # Institutions point at their host country (PROTECT): delete them first.
        if model is Organization:
            model._default_manager.exclude(host_country=None).delete()
        model._default_manager.all().delete()
    assert Organization.objects.count() == 0

    created, updated, _unchanged = load()
    assert created == sum(len(rows) for rows in expected.values())
    assert updated == 0
    assert load()[:2] == (0, 0)


def test_the_reference_data_has_the_documented_rows(reference: None) -> None:
    assert Organization.objects.filter(kind="member_state").count() == 32
    assert Organization.objects.filter(subtype="coe").count() == 30
    assert Organization.objects.filter(subtype="ptec").count() == 23
    assert Organization.objects.filter(kind__in=["international_org", "regional_org"]).count() == 8
    assert Framework.objects.count() == 11
    assert Operation.objects.count() == 14
    assert OperationContribution.objects.count() == 49
    # 32 Allies + 71 partner memberships; Russia, Belarus and Afghanistan carry status periods.
    assert Membership.objects.count() == 32 + 71
    assert MembershipStatusPeriod.objects.count() == 4


def test_changing_one_fact_updates_exactly_that_row(
    reference: None, reference_copy: ReferenceCopy
) -> None:
    # partner_memberships.csv line 11: Malta's first PfP period (1995-1996).
    reference_copy.replace(
        "partner_memberships.csv", 11, "NATO confirms joining", "NATO's archive confirms joining"
    )
    malta = Membership.objects.get(organization__code="MLT", start="1995-04-26")
    others_before = list(Membership.objects.exclude(pk=malta.pk).order_by("pk").values())

    assert load("--dir", str(reference_copy.path))[:2] == (0, 1)

    malta.refresh_from_db()
    assert malta.note.startswith("NATO's archive confirms joining in April 1995")
    assert list(Membership.objects.exclude(pk=malta.pk).order_by("pk").values()) == others_before
    # The change is audited with the row's natural key and the field's old and new value.
    event = AuditEvent.objects.filter(action="reference.update").latest("seq")
    assert (event.object_type, event.object_id) == ("network.membership", str(malta.pk))
    old, new = event.summary["changed"]["note"]
    assert old.startswith("NATO confirms joining") and new.startswith("NATO's archive confirms")
    assert event.summary["key"]["start"] == "1995-04-26"
    assert event.actor_username == "system"


def test_rows_the_files_no_longer_list_are_reported_and_kept(
    reference: None, reference_copy: ReferenceCopy
) -> None:
    # operation_contributors.csv line 2: Armenia in ISAF.
    lines = reference_copy.lines("operation_contributors.csv")
    assert lines[1].startswith("ISAF,Armenia,ARM")
    reference_copy.write("operation_contributors.csv", lines[:1] + lines[2:])
    out = io.StringIO()
    call_command("load_reference", "--dir", str(reference_copy.path), stdout=out)
    assert (
        "operation contributions: 1 in the database but no longer in the files (kept"
        in out.getvalue()
    )
    assert OperationContribution.objects.filter(
        operation__code="ISAF", organization__code="ARM"
    ).exists()


def test_dry_run_validates_and_writes_nothing(
    reference: None, reference_copy: ReferenceCopy
) -> None:
    lines = reference_copy.lines("ptecs.csv")
    lines.append("Test Training Centre,AUT,Vienna,https://example.org/ttc,false,,PTEC-AUT-TEST")
    reference_copy.write("ptecs.csv", lines)
    reference_copy.replace("operations.csv", 8, "2014-12", "2014-12-28")
    before = snapshot()

    out = io.StringIO()
    call_command("load_reference", "--dir", str(reference_copy.path), "--dry-run", stdout=out)

    assert "Nothing written (--dry-run)" in out.getvalue()
    assert "137 organizations" in out.getvalue()
    assert snapshot() == before
    assert not Organization.objects.filter(code="PTEC-AUT-TEST").exists()
    # The same directory loaded for real writes exactly those two changes.
    assert load("--dir", str(reference_copy.path))[:2] == (1, 1)
    assert Organization.objects.get(code="PTEC-AUT-TEST").host_country.code == "AUT"  # type: ignore[union-attr]


@dataclass(frozen=True)
class Corruption:
    """One edit of one file, and the single error it must produce."""

    file: str
    line: int
    column: str
    reason: str
    old: str = ""  # replaced by `new` on `line`
    new: str = ""  # with no `old`: inserted so that it becomes `line`
    duplicate: bool = False  # insert a copy of the line before `line`
    delete: bool = False  # remove the whole file

    def apply(self, copy: ReferenceCopy) -> None:
        if self.delete:
            (copy.path / self.file).unlink()
        elif self.duplicate:
            copy.insert(self.file, self.line, copy.lines(self.file)[self.line - 2])
        elif self.old:
            copy.replace(self.file, self.line, self.old, self.new)
        else:
            copy.insert(self.file, self.line, self.new)


PM = "partner_memberships.csv"

CORRUPTIONS: dict[str, Corruption] = {
    "unknown ISO code": Corruption(
        "allies.csv", 2, "iso3", "'XXX' is not an ISO 3166-1 alpha-3 country code",
        old="Albania,ALB,", new="Albania,XXX,",
    ),
    "end before start": Corruption(
        PM, 11, "left", "ends (1994-10-27) before it starts (1995-04-26)",
        old="1995-04-26,1996-10-27", new="1995-04-26,1994-10-27",
    ),
    # Malta's second PfP period made to start before its first one ended (1996-10-27).
    "overlapping periods of one membership": Corruption(
        PM, 12, "joined", "MLT in PfP overlaps the period at line 11",
        old="Malta,MLT,PfP,2008-04-03", new="Malta,MLT,PfP,1996-05-01",
    ),
    "overlap with an open period": Corruption(
        PM, 73, "joined", "GEO in PfP overlaps the period at line 7",
        new="Georgia,GEO,PfP,2001-01-01,2002-01-01,ended,,false,,day",
    ),
    "unknown framework code": Corruption(
        PM, 2, "framework_code", "unknown framework 'PXP'",
        old="Armenia,ARM,PfP,", new="Armenia,ARM,PXP,",
    ),
    "exact duplicate row": Corruption(PM, 4, "", "duplicate of line 3", duplicate=True),
    "malformed date": Corruption(
        "operations.csv", 8, "start", "'2003-08-32' is not a valid date",
        old="2003-08-11", new="2003-08-32",
    ),
    "date in another format": Corruption(
        "allies.csv", 3, "accession_date",
        "'24/08/1949' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD",
        old="1949-08-24", new="24/08/1949",
    ),
    "malformed date of a membership that has status periods": Corruption(
        PM, 14, "joined", "'1994-06-31' is not a valid date",
        old="1994-06-22", new="1994-06-31",
    ),
    "missing required column": Corruption(
        "frameworks.csv", 1, "status", "required column missing",
        old=",status,", new=",state,",
    ),
    "missing file": Corruption("regions.csv", 0, "", "file is missing", delete=True),
    "status period pointing at no membership": Corruption(
        "membership_status.csv", 2, "membership_start",
        "no PfP membership of RUS starting 1994-06-23",
        old="RUS,PfP,1994-06-22", new="RUS,PfP,1994-06-23",
    ),
    "status period outside its membership": Corruption(
        "membership_status.csv", 2, "start", "1990 is outside the membership it qualifies",
        old=",suspended,2014-04,", new=",suspended,1990,",
    ),
    "bad verified value": Corruption(
        "centres_of_excellence.csv", 2, "verified", "'ture' is not true or false",
        old="/2421018,true,", new="/2421018,ture,",
    ),
    "bad verified value on the row that introduces a state": Corruption(
        PM, 2, "verified", "'maybe' is not true or false",
        old="gansak,true,", new="gansak,maybe,",
    ),
    "unknown status": Corruption(
        PM, 3, "status", "'dormant' is not one of active, suspended, ended",
        old=",active,", new=",dormant,",
    ),
    "malformed source URL": Corruption(
        "operations.csv", 2, "source_url", "Enter a valid URL.",
        old="https://english.defensie.nl", new="english defensie nl",
    ),
    "unknown operation code": Corruption(
        "operation_contributors.csv", 2, "operation_code", "unknown operation 'ISAFF'",
        old="ISAF,Armenia", new="ISAFF,Armenia",
    ),
    "institution in a country outside the network": Corruption(
        "ptecs.csv", 2, "country_iso3", "host country 'BRA' is not an Ally or a partner",
        old=",AUT,", new=",BRA,",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", CORRUPTIONS.values(), ids=CORRUPTIONS.keys())
def test_corrupted_file_is_refused_precisely_and_changes_nothing(
    reference: None, reference_copy: ReferenceCopy, case: Corruption
) -> None:
    case.apply(reference_copy)
    before = snapshot()
    err = io.StringIO()

    with pytest.raises(CommandError, match="nothing was written") as excinfo:
        call_command(
            "load_reference", "--dir", str(reference_copy.path), stdout=io.StringIO(), stderr=err
        )

    cause = excinfo.value.__cause__
    assert isinstance(cause, ReferenceDataError)
    # Exactly one problem, not the one buried among its consequences.
    assert len(cause.errors) == 1, cause.errors
    error = cause.errors[0]
    assert (error.file, error.line, error.column) == (case.file, case.line, case.column)
    assert case.reason in error.reason
    assert str(error) in err.getvalue()
    assert "1 problem(s)" in str(excinfo.value)
    assert snapshot() == before


def test_dry_run_reports_a_corrupted_file_too(reference_copy: ReferenceCopy) -> None:
    reference_copy.replace("allies.csv", 2, "Albania,ALB,", "Albania,XXX,")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_reference", "--dir", str(reference_copy.path), "--dry-run", stderr=err)
    assert "allies.csv:2 [iso3]: 'XXX' is not an ISO 3166-1 alpha-3 country code" in err.getvalue()


def test_every_problem_is_listed_at_once(reference_copy: ReferenceCopy) -> None:
    reference_copy.replace("allies.csv", 2, "Albania,ALB,", "Albania,XXX,")
    reference_copy.replace("operations.csv", 8, "2003-08-11", "2003-08-32")
    with pytest.raises(ReferenceDataError) as excinfo:
        read_reference(reference_copy.path)
    assert [(e.file, e.line, e.column) for e in excinfo.value.errors] == [
        ("allies.csv", 2, "iso3"),
        ("operations.csv", 8, "start"),
    ]
    assert str(excinfo.value).splitlines()[0].startswith("allies.csv:2 [iso3]: ")


def test_row_error_reads_as_file_line_column_reason() -> None:
    assert str(RowError("allies.csv", 7, "iso3", "bad")) == "allies.csv:7 [iso3]: bad"
    assert str(RowError("regions.csv", 0, "", "file is missing")) == "regions.csv: file is missing"


def test_a_failure_half_way_through_the_write_leaves_the_registry_as_it_was(
    reference: None, reference_copy: ReferenceCopy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ISAF (operations.csv line 8) is written before the contributions, where the write fails.
    reference_copy.replace("operations.csv", 8, "2014-12", "2014-12-28")
    data = read_reference(reference_copy.path)
    before = snapshot()
    real_upsert = loader._upsert
    calls = 0

    def failing_upsert(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 300:
            # ISAF's new end is written, not yet committed.
            assert Operation.objects.get(code="ISAF").end == date(2014, 12, 28)
            raise RuntimeError("disk full")
        return real_upsert(*args, **kwargs)

    monkeypatch.setattr(loader, "_upsert", failing_upsert)
    with pytest.raises(RuntimeError, match="disk full"):
        apply_reference(actor=Actor.system(), data=data)
    assert calls == 300
    assert snapshot() == before


@pytest.mark.parametrize("role", sorted(R.ALL_ROLES - {R.ADMIN}))
def test_only_administrators_load_reference_data(reference: None, role: str) -> None:
    actor = Actor(user=None, organization=None, roles=frozenset({role}))
    before = snapshot()
    with pytest.raises(Forbidden):
        apply_reference(actor=actor, data=read_reference())
    assert snapshot() == before


def test_the_area_taxonomy_is_loaded_and_checked(
    reference: None, reference_copy: ReferenceCopy
) -> None:
    assert CooperationArea.objects.get(code="cbrn_defence").parent.code == "capabilities"
    assert CooperationArea.objects.filter(parent=None).count() == 6
    # A child named before its parent, and a duplicate code: both reported, nothing written.
    lines = reference_copy.lines("cooperation_areas.csv")
    reference_copy.write(
        "cooperation_areas.csv", [lines[0], lines[2], lines[1], *lines[3:], lines[3]]
    )
    before = list(CooperationArea.objects.order_by("pk").values())
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("load_reference", "--dir", str(reference_copy.path), stderr=err)
    assert "cooperation_areas.csv:2 [parent]: parent 'capabilities' is not defined above" in (
        err.getvalue()
    )
    assert "is defined twice" in err.getvalue()
    assert list(CooperationArea.objects.order_by("pk").values()) == before
