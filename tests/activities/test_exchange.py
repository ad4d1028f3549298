"""Spreadsheet exchange: `coopsec import|export`, the exchange page, and the file layout."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from coopsec.accounts import roles as R
from coopsec.accounts.models import User
from coopsec.activities import exchange
from coopsec.activities.exchange.sheets import ImportReport, cell_text, read_sheet
from coopsec.activities.models import Activity, ActivityReference, Nomination
from coopsec.audit.models import AuditEvent
from tests.activities.factories import (
    coordinator,
    liaison,
    manager,
    open_activity,
    proposed_activity,
)

# The file reading and cell conversion need no database; everything else does.
db = pytest.mark.django_db

HEADER = (
    "code,title,type,host,primary_area,secondary_areas,start,end,seats,per_partner_cap,"
    "eligibility,eligible,online,tuition_cost,references\n"
)


def run_import(*args: str) -> tuple[int, str, str]:
    """Run `coopsec import ...`: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot() -> list[tuple[Any, ...]]:
    """Every activity's fields and relations, to prove that nothing changed."""
    return [
        (
            a.code, a.title, a.type, a.host_id, a.primary_area_id, a.start, a.end, a.seats,
            a.per_partner_cap, a.eligibility, a.tuition_cost, a.state, a.updated_at,
            sorted(a.secondary_areas.values_list("code", flat=True)),
            sorted(a.eligible_frameworks.values_list("code", flat=True)),
            sorted(str(r) for r in a.references.all()),
        )
        for a in Activity.objects.order_by("code")
    ]  # fmt: skip


def problems_at(stderr: str) -> set[tuple[int, str]]:
    """(row, column) of every problem line the command printed."""
    found = set()
    for line in stderr.splitlines():
        if "[" in line and ":" in line:
            where, _sep, rest = line.partition(" [")
            found.add((int(where.rsplit(":", 1)[1]), rest.split("]", 1)[0]))
    return found


# --- validation: every problem, nothing written --------------------------------------------


@db
def test_bad_rows_are_each_reported_by_row_and_column_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    existing = proposed_activity(title="Kept as it is", seats=12)
    path = write(
        tmp_path,
        "menu.csv",
        HEADER
        + "NEW-1,Good course,course,PTEC-AUT-AUTINT,cbrn_defence,,2027-03-01,2027-03-05,10,2,"
        "all_partners,,no,0,\n"
        + f"{existing.code},Changed title,course,PTEC-AUT-AUTINT,cbrn_defence,,2027-03-01,"
        "2027-03-05,30,2,all_partners,,no,0,\n"
        + "NEW-3,Unknown host,course,PTEC-NOWHERE,cbrn_defence,,2027-03-01,2027-03-05,10,2,"
        "all_partners,,no,0,\n"
        + "NEW-4,Unknown area,course,PTEC-AUT-AUTINT,underwater_basket_weaving,,2027-03-01,"
        "2027-03-05,10,2,all_partners,,no,0,\n"
        + "NEW-5,Ends first,course,PTEC-AUT-AUTINT,cbrn_defence,,2027-03-05,2027-03-01,10,2,"
        "all_partners,,no,0,\n"
        + "NEW-6,Bad date,course,PTEC-AUT-AUTINT,cbrn_defence,,31/02/2027,2027-03-05,10,2,"
        "all_partners,,no,0,\n"
        + "NEW-7,No seats,course,PTEC-AUT-AUTINT,cbrn_defence,,2027-03-01,2027-03-05,0,2,"
        "all_partners,,no,0,\n"
        + "NEW-8,Unknown framework,course,PTEC-AUT-AUTINT,cbrn_defence,,2027-03-01,2027-03-05,"
        "10,2,frameworks,PfP; XYZ,no,0,\n"
        + "NEW-9,Several at once,seminar,NOPE,cbrn_defence,nowhere,2027-03-01,someday,ten,2,"
        "all_partners,,maybe,12.345,eprime\n",
    )
    before, audit_before = snapshot(), AuditEvent.objects.count()

    status, out, err = run_import("activities", str(path))

    assert status == 1
    assert problems_at(err) == {
        (4, "host"),
        (5, "primary_area"),
        (6, "end"),
        (7, "start"),
        (8, "seats"),
        (9, "eligible"),
        (10, "host"),
        (10, "secondary_areas"),
        (10, "end"),
        (10, "seats"),
        (10, "online"),
        (10, "tuition_cost"),
        (10, "references"),
    }
    assert "menu.csv:4 [host]: No organization 'PTEC-NOWHERE'." in err
    assert "menu.csv:9 [eligible]: No framework 'XYZ'." in err
    assert "Nothing was written" in out
    assert snapshot() == before
    assert AuditEvent.objects.count() == audit_before


@db
def test_unknown_and_missing_columns_are_reported_on_the_header_row(tmp_path: Path) -> None:
    path = write(tmp_path, "menu.csv", "code,titel,seats\nX,Course,3\n")
    report = exchange.import_activities(
        actor=exchange.operator_actor(), file="menu.csv", content=path.read_bytes()
    )
    assert [(p.row, p.column) for p in report.problems] == [(1, "B")]
    assert "titel" in report.problems[0].reason

    report = exchange.import_nominations(
        actor=exchange.operator_actor(), file="n.csv", content=b"activity,email\nX,a@b.org\n"
    )
    assert [(p.row, p.column) for p in report.problems] == [(1, "participant_name")]


@db
def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "menu.csv",
        HEADER + "DRY-1,Course,course,PTEC-AUT-AUTINT,cbrn_defence,,2027-03-01,2027-03-05,10,2,"
        "all_partners,,no,0,eprime:DRY1\n",
    )
    before, audit_before = snapshot(), AuditEvent.objects.count()

    status, out, _err = run_import("activities", str(path), "--dry-run")

    assert status == 0
    assert "would create 1" in out and "--dry-run" in out
    assert snapshot() == before
    assert AuditEvent.objects.count() == audit_before
    assert not ActivityReference.objects.filter(reference="DRY1").exists()


@db
def test_skip_invalid_writes_only_the_valid_rows_and_still_fails(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "menu.csv",
        HEADER + "SKIP-1,Good,course,PTEC-AUT-AUTINT,cbrn_defence,,2027-03-01,2027-03-05,10,2,"
        "all_partners,,no,0,\n"
        + "SKIP-2,Bad,course,PTEC-AUT-AUTINT,cbrn_defence,,2027-03-01,2027-03-05,0,2,"
        "all_partners,,no,0,\n"
        + "SKIP-3,Good too,course,PTEC-AUT-AUTINT,cbrn_defence,,2027-04-01,2027-04-05,10,2,"
        "all_partners,,no,0,\n",
    )

    status, _out, err = run_import("activities", str(path), "--skip-invalid")

    assert status == 1
    assert problems_at(err) == {(3, "seats")}
    written = Activity.objects.filter(code__startswith="SKIP-").values_list("code", flat=True)
    assert set(written) == {"SKIP-1", "SKIP-3"}
    assert AuditEvent.objects.filter(action="activity.create").count() >= 2
    assert AuditEvent.objects.filter(action="activity.import").exists()


@db
def test_a_code_twice_in_one_file_is_refused(tmp_path: Path) -> None:
    row = (
        "TWICE,Course,course,PTEC-AUT-AUTINT,cbrn_defence,,2027-03-01,2027-03-05,10,2,"
        "all_partners,,no,0,\n"
    )
    path = write(tmp_path, "menu.csv", HEADER + row + row)
    status, _out, err = run_import("activities", str(path))
    assert status == 1
    assert problems_at(err) == {(3, "code")}
    assert not Activity.objects.filter(code="TWICE").exists()


# --- reading the usual spreadsheet forms ---------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2027-03-01", date(2027, 3, 1)),
        ("2027-03-01 00:00:00", date(2027, 3, 1)),
        ("2027/03/01", date(2027, 3, 1)),
        ("01/03/2027", date(2027, 3, 1)),  # day first: 1 March, never 3 January
        ("1.3.2027", date(2027, 3, 1)),
        ("01-03-2027", date(2027, 3, 1)),
        ("03/04/2027", date(2027, 4, 3)),
        ("1 March 2027", date(2027, 3, 1)),
        ("1 Mar. 2027", date(2027, 3, 1)),
        ("1-Mar-2027", date(2027, 3, 1)),
        ("March 1, 2027", date(2027, 3, 1)),
        ("1er mars 2027", date(2027, 3, 1)),
        ("15 août 2027", date(2027, 8, 15)),
        (datetime(2027, 3, 1, 0, 0), date(2027, 3, 1)),
        (date(2027, 3, 1), date(2027, 3, 1)),
        (46447, date(2027, 3, 1)),  # an Excel serial day number
        ("", None),
        (None, None),
    ],
)
def test_dates_in_the_usual_spreadsheet_forms(cell: object, expected: date | None) -> None:
    assert exchange.parse_date(cell) == expected


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("03/15/2027", "day first"),
        ("01/03/27", "four digits"),
        ("31/02/2027", "not a valid date"),
        ("1 Brumaire 2027", "not a month"),
        ("next Tuesday", "not a date"),
    ],
)
def test_dates_that_are_refused_say_why(cell: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        exchange.parse_date(cell)


def _read(name: str, content: bytes, required: tuple[str, ...] = ()) -> Any:
    report = ImportReport(file=name, kind="activities")
    rows = read_sheet(
        report, content, columns=exchange.ACTIVITY_COLUMNS, required=required,
        sheet_name="activities",
    )  # fmt: skip
    return rows, [(p.row, p.column, p.reason) for p in report.problems]


def test_files_that_cannot_be_read_say_why_without_rows() -> None:
    rows, problems = _read("menu.csv", "code,title\nX,Défense\n".encode("latin-1"))
    assert rows is None and problems[0][:2] == (0, "") and "UTF-8" in problems[0][2]
    rows, problems = _read("menu.xlsx", b"PK\x03\x04 not really a workbook")
    assert rows is None and "xlsx" in problems[0][2]
    rows, problems = _read("menu.xls", b"\xd0\xcf\x11\xe0")
    assert rows is None and ".xls" in problems[0][2]
    rows, problems = _read("menu.csv", b"")
    assert rows is None and "empty" in problems[0][2]
    rows, problems = _read("menu.csv", b"code,title\nX,Course,surplus\n")
    assert rows is None and problems == [
        (1, "C", "This column holds values but has no header, so they cannot be read.")
    ]
    rows, problems = _read("menu.csv", b"code,Code\nX,Y\n")
    assert rows is None and problems[0][:2] == (1, "B")


def test_rows_are_numbered_as_the_spreadsheet_shows_them() -> None:
    text = 'Code;Title;Primary Area\nA;"Two\nlines";x\n;;\nB;\'=1+1;y\n'
    rows, problems = _read("menu.csv", text.encode("utf-8-sig"))
    assert problems == []
    assert [(r.number, r.cells["code"]) for r in rows] == [(2, "A"), (4, "B")]
    assert cell_text(rows[1].cells["title"]) == "=1+1"  # the export's apostrophe comes off


@db
def test_a_workbook_with_date_cells_day_first_text_and_names_imports(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Code", "Title", "Type", "Host", "Primary area", "Secondary areas", "Start",
                  "End", "Seats", "Eligibility", "Eligible", "Online", "Registration deadline",
                  "Tuition cost", "Country"])  # fmt: skip
    sheet.append(["XL-1", "Date cells", "Course",
                  "Austrian Armed Forces International Centre (AUTINT)", "CBRN defence",
                  "Air and missile defence; interoperability",
                  datetime(2027, 3, 1), date(2027, 3, 5), 12, "frameworks",
                  "Partnership for Peace; MD", True, "15/01/2027", 1250.5, "Austria"])  # fmt: skip
    sheet.append(["XL-2", "Text dates", "mobile training team", "PTEC-AUT-AUTINT", "cbrn_defence",
                  None, "01/03/2027", "5 March 2027", "8", "all_partners", None, "no", None,
                  "1250,50", "AUT"])  # fmt: skip
    path = tmp_path / "menu.xlsx"
    workbook.save(path)

    status, _out, err = run_import("activities", str(path))

    assert status == 0, err
    first, second = Activity.objects.get(code="XL-1"), Activity.objects.get(code="XL-2")
    assert (first.start, first.end, first.registration_deadline) == (
        date(2027, 3, 1), date(2027, 3, 5), date(2027, 1, 15),
    )  # fmt: skip
    assert (second.start, second.end) == (date(2027, 3, 1), date(2027, 3, 5))
    assert first.host.code == "PTEC-AUT-AUTINT" and first.country is not None
    assert first.country.iso3 == "AUT"
    assert sorted(first.secondary_areas.values_list("code", flat=True)) == [
        "air_defence", "interoperability",
    ]  # fmt: skip
    assert sorted(first.eligible_frameworks.values_list("code", flat=True)) == ["MD", "PfP"]
    assert first.online and not second.online
    assert first.tuition_cost == second.tuition_cost == Decimal("1250.50")
    assert second.type == "mobile_training_team"


# --- export -> import round trips ----------------------------------------------------------


def _varied_activities() -> list[Activity]:
    return [
        proposed_activity(
            title="=SUM(A1:A3) is not a formula", title_fr="Cours de défense NRBC",
            frameworks=["PfP", "MD"], secondary_areas=["air_defence", "logistics"],
            references={"eprime": "12345", "etoc": "ABC-1"}, tuition_cost="1250.50",
            description="Two lines,\n\"quoted\"; with semicolons", city="Götzendorf",
            country="AUT", registration_deadline=date(2026, 12, 1), cap=None,
        ),
        proposed_activity(organizations=["GEO", "JOR"], mode="allocated", online=True),
        open_activity(seats=5, cap=1, nature="civil", clearance="restricted"),
    ]  # fmt: skip


@db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(tmp_path: Path, fmt: str) -> None:
    activities = _varied_activities()
    path = tmp_path / f"menu.{fmt}"
    call_command("export", "activities", "--output", str(path), stdout=io.StringIO())
    before, audit_before = snapshot(), AuditEvent.objects.count()

    status, out, err = run_import("activities", str(path))

    assert status == 0, err
    total = Activity.objects.count()
    assert total >= len(activities)
    assert f"0 created, 0 updated, {total} unchanged" in out
    assert snapshot() == before
    assert AuditEvent.objects.count() == audit_before


@db
def test_an_edited_export_updates_only_what_changed(tmp_path: Path) -> None:
    activity = proposed_activity(seats=10, references={"eprime": "777"})
    path = tmp_path / "menu.xlsx"
    call_command("export", "activities", "--output", str(path), stdout=io.StringIO())
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    columns = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[columns.index("code")].value == activity.code:
            row[columns.index("seats")].value = 25
    workbook.save(path)

    status, out, err = run_import("activities", str(path))

    assert status == 0, err
    assert "0 created, 1 updated" in out
    activity.refresh_from_db()
    assert activity.seats == 25
    assert AuditEvent.objects.filter(action="activity.update", object_id=str(activity.pk)).exists()


@db
def test_a_file_with_some_columns_updates_those_and_keeps_the_rest(tmp_path: Path) -> None:
    activity = proposed_activity(seats=10, title="Keeps its title")
    path = write(tmp_path, "seats.csv", f"code;seats\n{activity.code};14\n")  # Excel's ";" CSV
    status, _out, err = run_import("activities", str(path))
    assert status == 0, err
    activity.refresh_from_db()
    assert (activity.seats, activity.title) == (14, "Keeps its title")

    path = write(tmp_path, "new.csv", "code;seats\nNOT-THERE;14\n")
    status, _out, err = run_import("activities", str(path))
    assert status == 1
    assert "creating one needs the columns" in err


@db
def test_xlsx_export_is_formatted_for_people(tmp_path: Path) -> None:
    _varied_activities()
    content = exchange.export_activities(actor=exchange.operator_actor(), fmt="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]] == list(exchange.ACTIVITY_COLUMNS)
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= 30
    columns = list(exchange.ACTIVITY_COLUMNS)
    start = sheet.cell(row=2, column=columns.index("start") + 1)
    assert start.is_date
    titles = [sheet.cell(row=r, column=2) for r in range(2, sheet.max_row + 1)]
    formula_like = next(c for c in titles if str(c.value).startswith("="))
    assert formula_like.data_type == "s"


@db
def test_csv_export_opens_in_excel_and_neutralizes_formulas() -> None:
    _varied_activities()
    content = exchange.export_activities(actor=exchange.operator_actor(), fmt="csv")
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(exchange.ACTIVITY_COLUMNS)
    assert "'=SUM(A1:A3)" in text
    assert "Götzendorf" in text


@db
def test_export_filters_like_the_menu(tmp_path: Path) -> None:
    kept = proposed_activity(area="cbrn_defence", type="seminar")
    proposed_activity(area="air_defence", type="seminar")
    proposed_activity(area="cbrn_defence", type="course")
    path = tmp_path / "seminars.csv"
    call_command(
        "export", "activities", "--output", str(path), "--area", "cbrn_defence",
        "--type", "seminar", stdout=io.StringIO(),
    )  # fmt: skip
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(kept.code + ",")


# --- acting as someone ---------------------------------------------------------------------


@db
def test_a_host_imports_only_its_own_institutions_activities(tmp_path: Path) -> None:
    host = manager("PTEC-AUT-AUTINT")
    others = proposed_activity(host="PTEC-TUR-PFPTC")
    open_elsewhere = open_activity(host="PTEC-TUR-PFPTC")
    path = write(
        tmp_path,
        "host.csv",
        HEADER + "OWN-1,Ours,course,PTEC-AUT-AUTINT,cbrn_defence,,2027-03-01,2027-03-05,10,2,"
        "all_partners,,no,0,\n"
        + "THEIRS-1,Theirs,course,PTEC-TUR-PFPTC,cbrn_defence,,2027-03-01,2027-03-05,10,2,"
        "all_partners,,no,0,\n"
        + f"{open_elsewhere.code},Renamed,course,PTEC-TUR-PFPTC,cbrn_defence,,2027-03-01,"
        "2027-03-05,10,2,all_partners,,no,0,\n",
    )

    status, _out, err = run_import("activities", str(path), "--as", host.username, "--skip-invalid")

    assert status == 1
    assert problems_at(err) == {(3, "host"), (4, "code")}
    assert "only for your own institution" in err
    assert Activity.objects.filter(code="OWN-1", host__code="PTEC-AUT-AUTINT").exists()
    assert not Activity.objects.filter(code="THEIRS-1").exists()
    open_elsewhere.refresh_from_db()
    assert open_elsewhere.title != "Renamed"
    assert Activity.objects.filter(pk=others.pk, host__code="PTEC-TUR-PFPTC").exists()


@db
def test_an_unknown_account_is_refused() -> None:
    with pytest.raises(CommandError, match="No active account"):
        call_command("import", "activities", __file__, "--as", "nobody-here")


# --- nominations ---------------------------------------------------------------------------


@db
def test_a_liaison_nominates_in_bulk_and_ineligible_rows_are_reported(tmp_path: Path) -> None:
    georgia = liaison("GEO")
    course = open_activity(seats=2, cap=None)
    dialogue_only = open_activity(frameworks=["MD"])  # Georgia is not in the Dialogue
    path = write(
        tmp_path,
        "nominations.csv",
        "activity,participant_name,email,rank,priority\n"
        f"{course.code},Nino B.,nino@example.ge,Major,1\n"
        f"{course.code},Giorgi K.,giorgi@example.ge,Captain,2\n"
        f"{course.code},Ana T.,,Lieutenant,3\n"
        f"{dialogue_only.code},Levan M.,levan@example.ge,,1\n"
        f"NO-SUCH-CODE,Eka P.,eka@example.ge,,1\n"
        f"{course.code},,not-an-email,,0\n",
    )

    status, out, err = run_import(
        "nominations", str(path), "--as", georgia.username, "--skip-invalid"
    )

    assert status == 1
    assert problems_at(err) == {
        (5, "activity"),
        (6, "activity"),
        (7, "participant_name"),
        (7, "email"),
        (7, "priority"),
    }
    assert "not eligible" in err
    states = sorted(
        Nomination.objects.filter(activity=course).values_list("participant__name", "state")
    )
    assert states == [
        ("Ana T.", "waitlisted"), ("Giorgi K.", "confirmed"), ("Nino B.", "confirmed"),
    ]  # fmt: skip
    assert "1 waitlisted" in out and "2 confirmed" in out
    assert not Nomination.objects.filter(activity=dialogue_only).exists()


@db
def test_nominations_need_a_liaison() -> None:
    with pytest.raises(CommandError, match="--as USERNAME"):
        call_command("import", "nominations", __file__)


# --- the web page --------------------------------------------------------------------------


def _upload(client: Client, content: bytes, name: str = "menu.csv", **options: str) -> Any:
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(reverse("exchange:activity-import"), {"file": upload, **options})


@db
def test_the_page_imports_for_a_coordinator_and_shows_the_report(
    client_for: Callable[[User], Client],
) -> None:
    client = client_for(coordinator())
    page = client.get(reverse("exchange:activity-import"), {"area": "cbrn_defence"})
    assert page.status_code == 200
    assert b"activities.xlsx?area=cbrn_defence" in page.content

    good = (
        HEADER + "WEB-1,Web course,course,PTEC-AUT-AUTINT,cbrn_defence,,2027-03-01,2027-03-05,"
        "10,2,all_partners,,no,0,\n"
    )
    response = _upload(client, good.encode())
    assert response.status_code == 200
    assert response.context["report"].created == 1
    assert Activity.objects.filter(code="WEB-1").exists()

    bad = good.replace("WEB-1", "WEB-2").replace("cbrn_defence", "nowhere")
    response = _upload(client, bad.encode())
    assert response.status_code == 200
    assert b'id="problems"' in response.content
    assert b"No cooperation area" in response.content
    assert not Activity.objects.filter(code="WEB-2").exists()

    response = _upload(client, good.replace("WEB-1", "WEB-3").encode(), dry_run="on")
    assert response.context["report"].created == 1
    assert not Activity.objects.filter(code="WEB-3").exists()


@db
def test_the_page_and_its_downloads_are_for_coordinators_and_hosts(
    client_for: Callable[[User], Client], make_user: Callable[..., User]
) -> None:
    proposed_activity(title="Café course")
    export = reverse("exchange:activity-export", args=["csv"])
    host = client_for(manager("PTEC-AUT-AUTINT"))
    assert host.get(reverse("exchange:activity-import")).status_code == 200
    response = host.get(export, {"type": "course"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    xlsx = host.get(reverse("exchange:activity-export", args=["xlsx"]))
    assert xlsx.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active is not None
    assert host.get(export, {"date_from": "yesterday"}).status_code == 400

    partner = client_for(liaison("GEO"))
    assert partner.get(reverse("exchange:activity-import")).status_code == 403
    assert partner.get(export).status_code == 403
    analyst = client_for(make_user(R.ANALYST, "NATO"))
    assert analyst.get(reverse("exchange:activity-import")).status_code == 403

    anonymous = Client().get(reverse("exchange:activity-import"))
    assert anonymous.status_code == 302
    assert reverse("web:login") in anonymous["Location"]
