"""A report as a printable A4 PDF: a title block with the filters, then each part with its
findings, its charts (drawn with reportlab's own graphics, no browser needed) and its tables.

Long tables are cut at `Table.pdf_rows` rows with a line saying how many more the workbook
holds; the workbook of the same report always has every row.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from coopsec.analytics.reports.content import Chart, Column, Document, Part, Table, Value
from coopsec.documents import (
    ACCENT,
    DASH,
    FRAME_PADDING,
    INK,
    MARGIN,
    MUTED,
    RULE,
    SHADE,
    NumberedCanvas,
    pdf_plain,
    pdf_text,
)

# Series colours: the pages' palette (web/analytics-charts.js), in order.
PALETTE = ("#1f4e79", "#c8702a", "#2e7d32", "#6a3d9a", "#b3261e", "#00838f")
CHART_HEIGHT = 62 * mm
MAX_CATEGORY_LABEL = 28  # characters of an axis label before it is cut with an ellipsis


def render(document: Document, progress: Callable[[int], None] | None = None) -> bytes:
    """The document as PDF bytes. `progress(k)` is called after the k-th part is laid out."""
    out = io.BytesIO()
    pagesize = landscape(A4)
    template = SimpleDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=22 * mm,
        title=pdf_plain(document.title),
        author="coopsec",
        subject=pdf_plain(document.subtitle),
        creator="coopsec",
    )
    writer = _Writer(template.width - 2 * FRAME_PADDING)
    story = writer.cover(document)
    for k, part in enumerate(document.parts, 1):
        if k > 1:
            story.append(PageBreak())
        story += writer.part(part)
        if progress is not None:
            progress(k)
    footer = _("%(title)s, generated %(date)s by %(user)s with coopsec") % {
        "title": document.title,
        "date": document.generated_at,
        "user": document.requested_by,
    }
    template.build(story, canvasmaker=partial(NumberedCanvas, footer=pdf_plain(footer)))
    return out.getvalue()


def _short(label: str) -> str:
    label = pdf_plain(label)
    return label if len(label) <= MAX_CATEGORY_LABEL else label[: MAX_CATEGORY_LABEL - 1] + "..."


def shown(value: Value, column: Column) -> str:
    """A value as the PDF writes it (the workbook keeps the raw value)."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal) or column.kind == "money":
        return f"{Decimal(str(value)):,.2f}"
    if isinstance(value, float):
        return f"{value:.1f}" if column.kind == "percent" else f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


class _Writer:
    def __init__(self, width: float) -> None:
        self.width = width
        self.body = ParagraphStyle(
            "body", fontName="Helvetica", fontSize=9, leading=11.5, textColor=HexColor(INK)
        )
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7, leading=8.5)
        self.cell = ParagraphStyle("cell", parent=self.body, fontSize=7, leading=8.2)
        self.number = ParagraphStyle("number", parent=self.cell, alignment=TA_RIGHT)
        self.number_head = ParagraphStyle("number_head", parent=self.small, alignment=TA_RIGHT)
        self.note = ParagraphStyle(
            "note", parent=self.body, fontSize=7.5, textColor=HexColor(MUTED)
        )
        self.h1 = ParagraphStyle(
            "h1",
            parent=self.body,
            fontName="Helvetica-Bold",
            fontSize=18,
            leading=22,
            textColor=HexColor(ACCENT),
            spaceAfter=4,
        )
        self.h2 = ParagraphStyle(
            "h2",
            parent=self.body,
            fontName="Helvetica-Bold",
            fontSize=14,
            leading=17,
            textColor=HexColor(ACCENT),
            spaceAfter=3,
        )
        self.h3 = ParagraphStyle(
            "h3",
            parent=self.body,
            fontName="Helvetica-Bold",
            fontSize=10,
            leading=13,
            spaceBefore=6,
            spaceAfter=2,
        )

    def p(self, text: object, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(pdf_text(text), style or self.body)

    def cover(self, document: Document) -> list[Flowable]:
        story: list[Flowable] = [
            self.p(document.title, self.h1),
            self.p(document.subtitle),
            Spacer(1, 3 * mm),
        ]
        facts = [
            (_("Requested by"), document.requested_by),
            (_("Generated"), document.generated_at),
            (_("Definitions version"), document.definitions_version),
            *document.filters,
        ]
        story.append(
            self.grid(
                [[self.p(k, self.small), self.p(v, self.small)] for k, v in facts],
                [0.22, 0.5],
                header=False,
            )
        )
        story.append(Spacer(1, 3 * mm))
        story.append(
            self.p(
                _(
                    "Every figure is defined in docs/analytics.md under the definitions "
                    "version above, and counts only what the requester may see."
                ),
                self.note,
            )
        )
        story.append(Spacer(1, 6 * mm))
        return story

    def part(self, part: Part) -> list[Flowable]:
        story: list[Flowable] = [self.p(part.heading, self.h2), self.p(part.question, self.note)]
        if part.findings:
            story.append(Spacer(1, 2 * mm))
            story += [self.p(f"\u2022 {line}") for line in part.findings]
        charts = [c for c in part.charts if not c.empty]
        if charts:
            story.append(Spacer(1, 3 * mm))
            # Two charts side by side when there are two; one across the page otherwise.
            width = self.width / 2 - 4 * mm if len(charts) > 1 else self.width * 0.8
            drawings = [self.chart(c, width) for c in charts]
            for k in range(0, len(drawings), 2):
                pair = drawings[k : k + 2]
                row = PdfTable([pair], colWidths=[width + 6 * mm] * len(pair))
                row.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
                story.append(row)
        for table in part.tables:
            story += self.table(table)
        return story

    # --- tables ---------------------------------------------------------------------------

    def table(self, table: Table) -> list[Flowable]:
        story: list[Flowable] = [CondPageBreak(30 * mm), self.p(table.title, self.h3)]
        if not table.rows:
            return [*story, self.p(_("Nothing to show under these filters."), self.note)]
        numeric = [c.kind not in ("text", "date", "bool") for c in table.columns]
        header = [
            self.p(c.label, self.number_head if n else self.small)
            for c, n in zip(table.columns, numeric, strict=True)
        ]
        rows = [
            [
                self.p(shown(v, c), self.number if n else self.cell)
                for v, c, n in zip(row, table.columns, numeric, strict=True)
            ]
            for row in table.rows[: table.pdf_rows]
        ]
        story.append(self.grid([header, *rows], _shares(table.columns)))
        more = len(table.rows) - table.pdf_rows
        if more > 0:
            story.append(
                self.p(
                    _("%(more)s more rows are in the workbook (.xlsx) of this report.")
                    % {"more": f"{more:,}"},
                    self.note,
                )
            )
        if table.note:
            story.append(self.p(table.note, self.note))
        return story

    def grid(self, rows: list[list[Any]], shares: list[float], *, header: bool = True) -> Any:
        grid = PdfTable(
            rows, colWidths=[self.width * s for s in shares], repeatRows=int(header), hAlign="LEFT"
        )
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, HexColor(RULE)),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), HexColor(SHADE)))
        grid.setStyle(TableStyle(style))
        return grid

    # --- charts ---------------------------------------------------------------------------

    def chart(self, chart: Chart, width: float) -> Flowable:
        if chart.kind == "hbar":
            height = max(CHART_HEIGHT, 9 * len(chart.categories) + 40)
        else:
            height = CHART_HEIGHT
        drawing = Drawing(width, height + 28)
        drawing.add(
            String(
                0,
                height + 16,
                pdf_plain(chart.title),
                fontName="Helvetica-Bold",
                fontSize=9,
                fillColor=HexColor(INK),
            )
        )
        plot = _plot(chart, width, height)
        drawing.add(plot)
        if chart.reference is not None and isinstance(plot, HorizontalLineChart):
            top = plot.valueAxis.valueMax or 1
            y = plot.y + plot.height * (chart.reference - plot.valueAxis.valueMin) / (
                top - plot.valueAxis.valueMin
            )
            if plot.y <= y <= plot.y + plot.height:
                drawing.add(
                    Line(
                        plot.x,
                        y,
                        plot.x + plot.width,
                        y,
                        strokeColor=HexColor(MUTED),
                        strokeDashArray=[3, 2],
                        strokeWidth=0.6,
                    )
                )
        if len(chart.series) > 1:
            legend = Legend()
            legend.x, legend.y = width * 0.55, height + 14
            legend.fontName, legend.fontSize = "Helvetica", 7
            legend.alignment = "right"
            legend.columnMaximum = 1
            legend.colorNamePairs = [
                (HexColor(PALETTE[k % len(PALETTE)]), pdf_plain(s.label))
                for k, s in enumerate(chart.series)
            ]
            legend.dx = legend.dy = 6
            legend.deltay = 9
            drawing.add(legend)
        return drawing


def _values(chart: Chart) -> list[list[float]]:
    # reportlab draws nothing for None in a bar and breaks a line there.
    return [[v if v is not None else 0.0 for v in s.values] for s in chart.series]


def _plot(chart: Chart, width: float, height: float) -> Any:
    data = _values(chart)
    labels = [_short(c) for c in chart.categories]
    peak = max((v for row in data for v in row), default=0.0)
    if chart.kind == "line":
        plot = HorizontalLineChart()
        plot.x, plot.y, plot.width, plot.height = 32, 24, width - 40, height - 30
        plot.data = data
        plot.joinedLines = 1
        for k in range(len(data)):
            plot.lines[k].strokeColor = HexColor(PALETTE[k % len(PALETTE)])
            plot.lines[k].strokeWidth = 1.4
        plot.valueAxis.valueMin = 0
        plot.valueAxis.valueMax = max(peak, chart.reference or 0.0) * 1.1 or 1
    elif chart.kind == "hbar":
        plot = HorizontalBarChart()
        left = min(150, 4.2 * max((len(label) for label in labels), default=4) + 8)
        plot.x, plot.y, plot.width, plot.height = left, 14, width - left - 10, height - 20
        plot.data = data
        plot.categoryAxis.reverseDirection = 1  # the first category at the top, as listed
        plot.valueAxis.valueMin = 0
        plot.valueAxis.valueMax = peak * 1.05 or 1
        plot.barSpacing = 0.5
        plot.groupSpacing = 2
    else:
        plot = VerticalBarChart()
        plot.x, plot.y, plot.width, plot.height = 32, 30, width - 40, height - 36
        plot.data = data
        plot.valueAxis.valueMin = 0
        plot.valueAxis.valueMax = peak * 1.1 or 1
        plot.groupSpacing = 4
        if len(labels) > 8:
            plot.categoryAxis.labels.angle = 30
            plot.categoryAxis.labels.boxAnchor = "ne"
    plot.categoryAxis.categoryNames = labels
    plot.categoryAxis.labels.fontName = "Helvetica"
    plot.categoryAxis.labels.fontSize = 6.5
    plot.valueAxis.labels.fontName = "Helvetica"
    plot.valueAxis.labels.fontSize = 6.5
    plot.valueAxis.visibleGrid = 1
    plot.valueAxis.gridStrokeColor = HexColor(RULE)
    plot.valueAxis.gridStrokeWidth = 0.3
    if chart.kind != "line":
        for k in range(len(data)):
            plot.bars[k].fillColor = HexColor(PALETTE[k % len(PALETTE)])
            plot.bars[k].strokeColor = None
    return plot


def _shares(columns: list[Column]) -> list[float]:
    """Column widths as shares of the page: text columns wider than numbers."""
    weights = [2.6 if c.kind == "text" else 1.0 for c in columns]
    total = sum(weights)
    return [w / total for w in weights]
