"""Programme documents: the .xlsx workbook and the printable PDF a liaison takes to a meeting.
Both show only what the actor may see, render real dates and accents, and the PDF is a real,
non-blank A4 document with the partner, the objectives and the planned activities on it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from unittest.mock import patch

import pypdfium2 as pdfium
import pytest
from django.utils import translation
from openpyxl import load_workbook

from coopsec.accounts.models import User
from coopsec.activities import lifecycle
from coopsec.activities import services as activities
from coopsec.activities.models import Activity, Nomination
from coopsec.errors import NotFound
from coopsec.network.models import Organization
from coopsec.programmes import documents
from coopsec.programmes import services as programmes
from coopsec.programmes.models import Programme
from tests.activities.factories import (
    activity_in_state,
    as_actor,
    coordinator,
    host_actor,
    liaison,
    manager,
    open_activity,
)
from tests.programmes.factories import item, objective

pytestmark = pytest.mark.django_db

CYCLE = "2026\u20132027"  # an en dash
ACCENTED_TITLE = "Renforcer la cyberdéfense — pilote Côte d'Ivoire"
OUTSIDE_WINDOWS_1252 = "Exercise at Ku\u015fadas\u0131"  # s-cedilla, dotless i


def frozen(day: date) -> object:
    return patch("coopsec.network.dates.today", return_value=day)


@dataclass
class Record:
    liaison: User
    programme: Programme
    ran: Activity  # attended, with feedback and a report
    planned: Activity  # next year's, on the menu


@pytest.fixture
def record(reference: None) -> Iterator[Record]:
    """Georgia's agreed ITPP 2026-2027: a cyber defence objective with a course that ran
    (one participant attended, gave feedback, the host reported) and a planned course next
    year, and a maritime objective with an exercise planned by type and year; both sides
    assessed the first half of 2026."""
    geo, coord = liaison("GEO"), coordinator()
    with frozen(date(2026, 3, 2)):
        ran = activity_in_state(
            lifecycle.CLOSED, area="cyber_defence", start=date(2026, 5, 4),
            title="Cyber incident response course", nominations=[(geo, "Nino B.")],
        )  # fmt: skip
        planned = open_activity(area="cyber_defence", start=date(2027, 4, 12))
        programme = programmes.programme_create(
            actor=as_actor(geo),
            data=programmes.ProgrammeInput(type="ITPP", cycle_start=2026, cycle_end=2027),
        )
        cyber = objective(
            geo, programme, area="cyber_defence", title=ACCENTED_TITLE,
            indicator="Officers certified in incident response", baseline="1 officer",
            target="6 officers", target_date=date(2027, 11, 30),
        )  # fmt: skip
        maritime = objective(
            geo, programme, area="maritime_security", title=OUTSIDE_WINDOWS_1252,
            indicator="Exercises joined", target="2 exercises",
        )  # fmt: skip
        served = item(geo, programme, cyber, activity=ran, planned_seats=2, note="Priority")
        item(geo, programme, cyber, activity=planned, planned_seats=1)
        item(geo, programme, maritime, area="maritime_security", year=2027,
             activity_type="exercise", planned_seats=3)  # fmt: skip
        nomination = Nomination.objects.get(activity=ran)
        activities.nomination_link_item(
            actor=as_actor(geo), nomination_id=nomination.pk, item_id=served.pk
        )
        programmes.programme_submit(actor=as_actor(geo), programme_id=programme.pk)
        programmes.programme_agree(actor=as_actor(coord), programme_id=programme.pk)
    with frozen(date(2026, 6, 15)):
        activities.activity_transition(
            actor=as_actor(coord), activity_id=ran.pk, to=lifecycle.CONDUCTED
        )
        activities.attendance_record(
            actor=host_actor(ran), nomination_id=nomination.pk, attended=True
        )
        activities.feedback_submit(
            actor=as_actor(geo), nomination_id=nomination.pk,
            data=activities.FeedbackInput(relevance=5, quality=4, applicability=4),
        )  # fmt: skip
        activities.report_submit(
            actor=host_actor(ran), activity_id=ran.pk,
            data=activities.ReportInput(summary="Eight partners took part."),
        )  # fmt: skip
        for who, rating in ((geo, "on_track"), (coord, "at_risk")):
            programmes.assessment_record(
                actor=as_actor(who),
                data=programmes.AssessmentInput(
                    objective=cyber.pk, period="2026-H1", rating=rating,
                    narrative="One officer certified; four more places planned.",
                ),
            )  # fmt: skip
    with frozen(date(2026, 6, 20)):
        yield Record(geo, Programme.objects.get(pk=programme.pk), ran, planned)


def pdf_text(pdf: pdfium.PdfDocument) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pdf)


def test_the_pdf_is_a_readable_document_with_the_programme_on_it(
    record: Record, artifacts: Path
) -> None:
    content = documents.programme_pdf(
        actor=as_actor(record.liaison), programme_id=record.programme.pk
    )

    assert content.startswith(b"%PDF")
    pdf = pdfium.PdfDocument(content)
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    image = pdf[0].render(scale=1).to_pil()
    image.save(artifacts / "programme-pdf-page1.png")
    histogram = image.convert("L").histogram()
    ink = sum(histogram[:200]) / (image.width * image.height)
    assert ink > 0.01, f"page 1 looks blank: {ink:.2%} dark pixels"

    text = pdf_text(pdf)
    flat = " ".join(text.split())
    assert "Georgia" in text
    assert "Individually Tailored Partnership Programme (ITPP)" in flat
    assert CYCLE in text
    assert ACCENTED_TITLE in flat  # é, ô and the dash drawn with Helvetica
    assert "Exercise at Kusadasi" in flat  # ş is outside Helvetica's encoding: s, not a box
    assert record.ran.code in text and record.planned.code in text
    assert "Exercise: Maritime security" in flat  # an item planned by type and year
    assert "Officers certified in incident response" in flat
    assert "1 officer → 6 officers" in flat
    assert "On track" in text and "At risk" in text
    assert "relevance 5.0" in flat
    assert f"Page 1 of {len(pdf)}" in text
    assert "generated 2026-06-20 by coopsec" in flat.lower()
    assert "Unclassified partner data, for the partner and the alliance" in flat


def test_the_pdf_follows_the_active_language(record: Record) -> None:
    with translation.override("fr"):
        content = documents.programme_pdf(
            actor=as_actor(record.liaison), programme_id=record.programme.pk
        )
    text = " ".join(pdf_text(pdfium.PdfDocument(content)).split())
    assert "Cyberdéfense" in text  # the area's French name
    assert "Sûreté maritime" in text


def test_the_workbook_has_one_sheet_per_part_with_real_dates(record: Record) -> None:
    content = documents.programme_xlsx(
        actor=as_actor(record.liaison), programme_id=record.programme.pk
    )

    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "Programme", "Objectives", "Planned activities", "Progress", "Assessments",
    ]  # fmt: skip
    facts = {row[0]: row[1] for row in book["Programme"].iter_rows(min_row=2, values_only=True)}
    assert facts["Partner"] == "Georgia"
    assert facts["Programme"] == "Individually Tailored Partnership Programme"
    assert facts["Cycle"] == CYCLE and facts["Status"] == "Agreed"
    assert isinstance(facts["Agreed at"], datetime)
    assert facts["Revision"] == 2  # submitted, agreed

    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])

    objectives = list(book["Objectives"].iter_rows(min_row=2, values_only=True))
    assert [o[1] for o in objectives] == [ACCENTED_TITLE, OUTSIDE_WINDOWS_1252]
    assert objectives[0][2] == "Cyber defence"
    assert objectives[0][6] == datetime(2027, 11, 30)  # a date cell, not text
    assert objectives[0][8] == "Yes"

    planned = list(book["Planned activities"].iter_rows(min_row=2, values_only=True))
    assert [(p[1], p[2], p[9]) for p in planned] == [
        (2026, record.ran.code, 2), (2027, record.planned.code, 1), (2027, None, 3),
    ]  # fmt: skip
    assert planned[0][4] == datetime(2026, 5, 4) and planned[0][10] == "Priority"
    assert planned[2][7:9] == ("Maritime security", "Exercise")

    progress = list(book["Progress"].iter_rows(min_row=2, values_only=True))
    assert (ACCENTED_TITLE, 2026, 2, 1, 1) in progress
    assert (OUTSIDE_WINDOWS_1252, 2027, 3, 0, 0) in progress

    assessments = list(book["Assessments"].iter_rows(min_row=2, values_only=True))
    assert [(a[1], a[4], a[5], a[7]) for a in assessments] == [
        ("2026-H1", "Alliance", "At risk", 1), ("2026-H1", "Partner", "On track", 1),
    ]  # fmt: skip
    assert assessments[0][9:12] == (5.0, 4.0, 4.0)  # feedback averages of the evidence


def test_another_partner_gets_not_found(record: Record) -> None:
    for who in (liaison("JOR"), manager()):
        for export in (documents.programme_pdf, documents.programme_xlsx):
            with pytest.raises(NotFound):
                export(actor=as_actor(who), programme_id=record.programme.pk)
    # Alliance staff export any partner's.
    assert documents.programme_xlsx(actor=as_actor(coordinator()), programme_id=record.programme.pk)


def test_a_draft_without_objectives_still_prints(reference: None) -> None:
    geo = liaison("GEO")
    Organization.objects.filter(code="GEO").update(name="Géorgie")
    programme = programmes.programme_create(
        actor=as_actor(geo),
        data=programmes.ProgrammeInput(type="IPAP", cycle_start=2028, cycle_end=2029),
    )
    content = documents.programme_pdf(actor=as_actor(geo), programme_id=programme.pk)
    text = " ".join(pdf_text(pdfium.PdfDocument(content)).split())
    assert "Géorgie" in text and "Individual Partnership Action Plan (IPAP)" in text
    assert "No objectives have been stated yet." in text
    book = load_workbook(
        io.BytesIO(documents.programme_xlsx(actor=as_actor(geo), programme_id=programme.pk))
    )
    assert book["Objectives"].max_row == 1  # the header only
