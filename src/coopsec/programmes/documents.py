"""A programme as documents: a workbook (.xlsx) to work with, and a printable PDF a liaison
can take to a meeting.

Both read only through `programmes.selectors` with the acting user, so the same rules hold as
on the pages: a partner's liaison exports its own programmes and gets NotFound for any other.
Labels are translated into the active language. The PDF uses reportlab's built-in Helvetica,
whose encoding (Windows-1252) covers the accents of the alliance's working languages;
characters outside it are written without their accents rather than as missing glyphs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from coopsec.accounts.actor import Actor
from coopsec.activities.models import ActivityType
from coopsec.documents import (
    ACCENT,
    DASH,
    FRAME_PADDING,
    INK,
    MARGIN,
    RULE,
    SHADE,
    NumberedCanvas,
    pdf_plain,
    pdf_text,
    sheet,
)
from coopsec.network import dates
from coopsec.programmes import selectors
from coopsec.programmes.models import (
    Assessment,
    Objective,
    Programme,
    ProgrammeItem,
    ProgrammeStatus,
    Rating,
    Side,
)


@dataclass
class _Document:
    """Everything both documents show, read through the selectors once."""

    programme: Programme
    objectives: list[Objective]
    items: list[ProgrammeItem]
    progress: list[selectors.ObjectiveProgress]
    assessments: list[Assessment]
    revision: int | None

    def items_of(self, objective: Objective) -> list[ProgrammeItem]:
        return [i for i in self.items if i.objective_id == objective.pk]

    def progress_of(self, objective: Objective) -> selectors.ObjectiveProgress | None:
        return next((p for p in self.progress if p.objective.pk == objective.pk), None)

    def latest_assessments(self, objective: Objective) -> list[Assessment]:
        """The newest period's assessment of each side, partner first."""
        latest: dict[str, Assessment] = {}
        for a in self.assessments:
            if a.objective_id == objective.pk:
                held = latest.get(a.side)
                if held is None or (a.period_start, a.period_end) >= (
                    held.period_start,
                    held.period_end,
                ):
                    latest[a.side] = a
        return [latest[s] for s in (Side.PARTNER, Side.ALLIANCE) if s in latest]


def _collect(actor: Actor, programme_id: int) -> _Document:
    programme = selectors.programme_get(actor=actor, programme_id=programme_id)
    revisions = selectors.revision_list(actor=actor, programme_id=programme_id)
    return _Document(
        programme=programme,
        objectives=list(programme.objectives.all()),
        items=list(programme.items.all()),
        progress=selectors.programme_progress(actor=actor, programme=programme),
        assessments=list(selectors.assessment_list(actor=actor, programme_id=programme_id)),
        revision=revisions[-1].number if revisions else None,
    )


# --- shared labels --------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _cycle(programme: Programme) -> str:
    return f"{programme.cycle_start}\u2013{programme.cycle_end}"


def _person(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _local(moment: datetime | None) -> datetime | None:
    """A naive local time: spreadsheets store no time zone."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


def _long_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date()
    return date_format(day, "j F Y")


def _type_label(code: str) -> str:
    return str(ActivityType(code).label) if code in ActivityType.values else code


def _rating_label(code: str) -> str:
    return str(Rating(code).label) if code in Rating.values else code


def _side_label(code: str) -> str:
    return str(Side(code).label) if code in Side.values else code


def _item_activity(item: ProgrammeItem) -> str:
    """The planned activity in words: the menu activity, or its type in an area."""
    if item.activity is not None:
        return f"{item.activity.code} {item.activity.display_title}"
    area = item.area.display_name if item.area is not None else ""
    if item.activity_type:
        return _("%(type)s: %(area)s") % {"type": _type_label(item.activity_type), "area": area}
    return _("Any activity: %(area)s") % {"area": area}


def _feedback(evidence: dict[str, Any], name: str) -> float | None:
    value = (evidence.get("feedback") or {}).get(name)
    return float(value) if isinstance(value, int | float) else None


def _status_line(programme: Programme) -> str:
    status = str(programme.get_status_display())
    agreed = (ProgrammeStatus.AGREED, ProgrammeStatus.SUPERSEDED)
    if programme.status in agreed and programme.agreed_at is not None:
        if programme.status == ProgrammeStatus.AGREED:
            return _("Agreed on %(date)s") % {"date": _long_date(programme.agreed_at)}
        return _("%(status)s (agreed on %(date)s)") % {
            "status": status,
            "date": _long_date(programme.agreed_at),
        }
    if programme.status == ProgrammeStatus.SUBMITTED and programme.submitted_at is not None:
        return _("%(status)s on %(date)s") % {
            "status": status,
            "date": _long_date(programme.submitted_at),
        }
    return status


def _classification() -> str:
    return _("Unclassified partner data, for the partner and the alliance")


# --- the workbook ---------------------------------------------------------------------------


def programme_xlsx(*, actor: Actor, programme_id: int) -> bytes:
    """The programme as a workbook: the programme, its objectives, planned activities,
    progress per objective and year, and assessments, one sheet each. Raises NotFound."""
    doc = _collect(actor, programme_id)
    programme = doc.programme
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)

    facts: list[tuple[str, object]] = [
        (_("Partner"), programme.partner.name),
        (_("Partner code"), programme.partner.code),
        (_("Programme type"), programme.type),
        (_("Programme"), str(programme.get_type_display())),
        (_("Title"), programme.title),
        (_("Cycle"), _cycle(programme)),
        (_("Cycle start"), programme.cycle_start),
        (_("Cycle end"), programme.cycle_end),
        (_("Status"), str(programme.get_status_display())),
        (_("Created at"), _local(programme.created_at)),
        (_("Submitted by"), _person(programme.submitted_by)),
        (_("Submitted at"), _local(programme.submitted_at)),
        (_("Agreed by"), _person(programme.agreed_by)),
        (_("Agreed at"), _local(programme.agreed_at)),
        (_("Superseded at"), _local(programme.superseded_at)),
        (_("Revision"), doc.revision),
        (_("Exported on"), dates.today()),
        (_("Classification"), _classification()),
    ]
    sheet(workbook, _("Programme"), [_("Field"), _("Value")], facts, widths=[22, 60])

    sheet(
        workbook,
        _("Objectives"),
        [
            _("No."), _("Objective"), _("Area"), _("Indicator"), _("Baseline"), _("Target"),
            _("Target date"), _("Proposed by"), _("Agreed"),
        ],
        [
            (
                n, o.title, o.area.display_name, o.indicator, o.baseline, o.target,
                o.target_date, _side_label(o.proposed_by), _yes_no(o.agreed),
            )
            for n, o in enumerate(doc.objectives, 1)
        ],
        widths=[6, 40, 24, 36, 20, 20, 12, 12, 9],
    )  # fmt: skip

    planned = []
    for o in doc.objectives:
        for i in doc.items_of(o):
            a = i.activity
            planned.append(
                (
                    o.title, i.year, a.code if a else "", a.display_title if a else "",
                    a.start if a else None, a.end if a else None, a.host.name if a else "",
                    i.area.display_name if i.area else "",
                    _type_label(i.activity_type) if i.activity_type else "",
                    i.planned_seats, i.note,
                )
            )  # fmt: skip
    sheet(
        workbook,
        _("Planned activities"),
        [
            _("Objective"), _("Year"), _("Activity code"), _("Activity"), _("Start"), _("End"),
            _("Host"), _("Area"), _("Activity type"), _("Planned seats"), _("Note"),
        ],
        planned,
        widths=[32, 7, 16, 40, 12, 12, 32, 22, 18, 9, 30],
    )  # fmt: skip

    sheet(
        workbook,
        _("Progress"),
        [_("Objective"), _("Year"), _("Planned"), _("Nominated"), _("Attended")],
        [
            (p.objective.title, y.year, y.planned, y.nominated, y.attended)
            for p in doc.progress
            for y in p.years
        ],
        widths=[40, 7, 10, 11, 10],
    )

    sheet(
        workbook,
        _("Assessments"),
        [
            _("Objective"), _("Period"), _("From"), _("To"), _("Side"), _("Rating"),
            _("Narrative"), _("Attended"), _("Reports"), _("Relevance"), _("Quality"),
            _("Applicability"), _("Assessed at"), _("Assessed by"),
        ],
        [
            (
                a.objective.title, a.period, a.period_start, a.period_end, _side_label(a.side),
                _rating_label(a.rating), a.narrative, a.evidence.get("attended"),
                a.evidence.get("reports"), _feedback(a.evidence, "relevance"),
                _feedback(a.evidence, "quality"), _feedback(a.evidence, "applicability"),
                _local(a.assessed_at), _person(a.assessed_by),
            )
            for a in doc.assessments
        ],
        widths=[32, 9, 12, 12, 10, 12, 50, 9, 9, 10, 9, 12, 17, 16],
    )  # fmt: skip
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- the printable document -----------------------------------------------------------------

RATING_COLOURS: dict[str, str] = {
    Rating.NOT_STARTED: "#6b7785",
    Rating.AT_RISK: "#b3261e",
    Rating.ON_TRACK: "#1f4e79",
    Rating.ACHIEVED: "#2e7d32",
}


def programme_pdf(*, actor: Actor, programme_id: int) -> bytes:
    """The programme as a printable A4 document: title block, summary, each objective with its
    planned activities, progress and latest assessments, page numbers and a footer with the
    date, the author and the data's classification. Raises NotFound."""

    doc = _collect(actor, programme_id)
    programme = doc.programme
    footer = _("Generated %(date)s by coopsec — %(classification)s") % {
        "date": dates.today().isoformat(),
        "classification": _classification(),
    }
    out = io.BytesIO()
    template = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=22 * mm,
        title=f"{programme.partner.name} \u2014 {programme.type} {_cycle(programme)}",
        author="coopsec",
        subject=str(programme.get_type_display()),
        creator="coopsec",
    )
    story = _PdfWriter(doc, template.width - 2 * FRAME_PADDING).story()
    template.build(story, canvasmaker=partial(NumberedCanvas, footer=pdf_plain(footer)))
    return out.getvalue()


class _PdfWriter:
    """Builds the platypus story of one programme."""

    def __init__(self, doc: _Document, width: float) -> None:

        self.doc = doc
        self.width = width
        base = ParagraphStyle(
            "base", fontName="Helvetica", fontSize=9, leading=11.5, textColor=HexColor(INK)
        )
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10)
        self.label = ParagraphStyle(
            "label", parent=base, fontName="Helvetica-Bold", fontSize=8, leading=10
        )
        self.kicker = ParagraphStyle(
            "kicker", parent=base, fontSize=9, textColor=HexColor(ACCENT), spaceAfter=2
        )
        self.title = ParagraphStyle(
            "title", parent=base, fontName="Helvetica-Bold", fontSize=20, leading=24,
            spaceAfter=4,
        )  # fmt: skip
        self.subtitle = ParagraphStyle(
            "subtitle", parent=base, fontSize=12, leading=15, textColor=HexColor(ACCENT)
        )
        self.h2 = ParagraphStyle(
            "h2", parent=base, fontName="Helvetica-Bold", fontSize=12.5, leading=15,
            textColor=HexColor(ACCENT), spaceBefore=10, spaceAfter=4, keepWithNext=1,
        )  # fmt: skip
        self.h3 = ParagraphStyle(
            "h3", parent=base, fontName="Helvetica-Bold", fontSize=9.5, leading=12,
            spaceBefore=6, spaceAfter=3, keepWithNext=1,
        )  # fmt: skip
        self.figure = ParagraphStyle(
            "figure", parent=base, fontName="Helvetica-Bold", fontSize=16, leading=19,
            textColor=HexColor(ACCENT),
        )  # fmt: skip

    def p(self, text: object, style: Any = None, *, markup: str = "") -> Any:

        body = pdf_text(text)
        if markup:
            body = markup.replace("{}", body)
        return Paragraph(body, style or self.body)

    def story(self) -> list[Any]:

        flow: list[Any] = [*self.title_block(), Spacer(1, 8), *self.summary()]
        for number, objective in enumerate(self.doc.objectives, 1):
            flow += self.objective(number, objective)
        if not self.doc.objectives:
            flow.append(self.p(_("No objectives have been stated yet.")))
        return flow

    def title_block(self) -> list[Any]:
        programme = self.doc.programme
        facts = [
            (_("Partner"), f"{programme.partner.name} ({programme.partner.code})"),
            (_("Status"), _status_line(programme)),
        ]
        if programme.agreed_by is not None:
            facts.append((_("Agreed by"), _person(programme.agreed_by)))
        if self.doc.revision is not None:
            facts.append((_("Revision"), str(self.doc.revision)))
        flow = [
            self.p(_("Individual partnership programme"), self.kicker),
            self.p(programme.partner.name, self.title),
            self.p(f"{programme.get_type_display()} ({programme.type}) \u00b7 "
                   f"{_cycle(programme)}", self.subtitle),
        ]  # fmt: skip
        if programme.title:
            flow.append(self.p(programme.title, self.body))
        table = self.table(
            [[self.p(k, self.label), self.p(v)] for k, v in facts],
            [0.2, 0.8],
            header=False,
        )

        return [*flow, Spacer(1, 8), table]

    def summary(self) -> list[Any]:
        progress = self.doc.progress
        figures = [
            (len(self.doc.objectives), _("objectives")),
            (sum(p.planned for p in progress), _("planned seats")),
            (sum(p.nominated for p in progress), _("nominated")),
            (sum(p.attended for p in progress), _("attended")),
        ]
        cells = [
            [self.p(f"{n:,}", self.figure) for n, _label in figures],
            [self.p(label, self.small) for _n, label in figures],
        ]

        table = Table(cells, colWidths=[self.width / 4] * 4)
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), HexColor(SHADE)),
                    ("LINEAFTER", (0, 0), (-2, -1), 0.5, HexColor("#ffffff")),
                    ("TOPPADDING", (0, 0), (-1, 0), 8),
                    ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
                    ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ]
            )
        )
        return [self.p(_("Summary"), self.h2), table]

    def objective(self, number: int, objective: Objective) -> list[Any]:
        head = [
            self.p(f"{number}. {objective.title}", self.h2),
            self.table(
                [
                    [self.p(_("Area"), self.label), self.p(objective.area.display_name),
                     self.p(_("Proposed by"), self.label),
                     self.p(_side_label(objective.proposed_by))],
                    [self.p(_("Indicator"), self.label), self.p(objective.indicator),
                     self.p(_("Target date"), self.label),
                     self.p(objective.target_date.isoformat())],
                    [self.p(_("Baseline → target"), self.label),
                     self.p(f"{objective.baseline or DASH} \u2192 {objective.target}"),
                     self.p(_("Agreed"), self.label), self.p(_yes_no(objective.agreed))],
                ],
                [0.18, 0.47, 0.15, 0.20],
                header=False,
            ),
        ]  # fmt: skip
        flow: list[Any] = [KeepTogether(head)]
        flow += self.planned(objective)
        flow += self.progress(objective)
        flow += self.assessments(objective)
        return flow

    def planned(self, objective: Objective) -> list[Any]:
        items = self.doc.items_of(objective)
        title = self.p(_("Planned activities"), self.h3)
        if not items:
            return [title, self.p(_("None planned yet."), self.small)]
        rows = [
            [
                self.p(h, self.label)
                for h in (_("Year"), _("Activity"), _("Dates"), _("Host"), _("Seats"), _("Note"))
            ]
        ]
        for i in items:
            a = i.activity
            when = (
                f"{a.start.isoformat()} \u2013 {a.end.isoformat()}"
                if a
                else _("not on the menu yet")
            )
            rows.append([
                self.p(i.year, self.small), self.p(_item_activity(i), self.small),
                self.p(when, self.small), self.p(a.host.name if a else "", self.small),
                self.p(i.planned_seats, self.small), self.p(i.note, self.small),
            ])  # fmt: skip
        return [title, self.table(rows, [0.07, 0.36, 0.14, 0.23, 0.07, 0.13])]  # fmt: skip

    def progress(self, objective: Objective) -> list[Any]:
        progress = self.doc.progress_of(objective)
        if progress is None:
            return []
        rows = [[self.p(h, self.label) for h in (
            _("Year"), _("Planned seats"), _("Nominated"), _("Attended"))]]  # fmt: skip
        for y in progress.years:
            rows.append([self.p(v, self.small) for v in (y.year, y.planned, y.nominated,
                                                          y.attended)])  # fmt: skip
        rows.append([self.p(v, self.label) for v in (
            _("Total"), progress.planned, progress.nominated, progress.attended)])  # fmt: skip
        return [self.p(_("Progress"), self.h3), self.table(rows, [0.25, 0.25, 0.25, 0.25])]

    def assessments(self, objective: Objective) -> list[Any]:
        latest = self.doc.latest_assessments(objective)
        title = self.p(_("Latest assessments"), self.h3)
        if not latest:
            return [title, self.p(_("Not assessed yet."), self.small)]
        rows = [[self.p(h, self.label) for h in (
            _("Period"), _("Side"), _("Rating"), _("Narrative"), _("Evidence"))]]  # fmt: skip
        for a in latest:
            colour = RATING_COLOURS.get(a.rating, INK)
            rows.append([
                self.p(a.period, self.small), self.p(_side_label(a.side), self.small),
                self.p(_rating_label(a.rating), self.small,
                       markup=f'<font color="{colour}"><b>{{}}</b></font>'),
                self.p(a.narrative or DASH, self.small),
                self.p(_evidence_text(a.evidence), self.small),
            ])  # fmt: skip
        return [title, self.table(rows, [0.1, 0.11, 0.13, 0.4, 0.26])]

    def table(self, rows: list[list[Any]], shares: Sequence[float], *, header: bool = True) -> Any:

        table = Table(rows, colWidths=[self.width * s for s in shares], repeatRows=int(header))
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, HexColor(RULE)),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), HexColor(SHADE)))
        table.setStyle(TableStyle(style))
        return table


def _evidence_text(evidence: dict[str, Any]) -> str:
    """The evidence on record in one line: attendance, reports and feedback averages."""
    attended, reports = int(evidence.get("attended") or 0), int(evidence.get("reports") or 0)
    parts = [
        _("%(n)d attended") % {"n": attended},
        ngettext("%(n)d host report", "%(n)d host reports", reports) % {"n": reports},
    ]
    averages = [
        f"{label} {value:.1f}"
        for label, value in (
            (_("relevance"), _feedback(evidence, "relevance")),
            (_("quality"), _feedback(evidence, "quality")),
            (_("applicability"), _feedback(evidence, "applicability")),
        )
        if value is not None
    ]
    if averages:
        parts.append(_("feedback out of 5: %(averages)s") % {"averages": ", ".join(averages)})
    return "; ".join(parts)
