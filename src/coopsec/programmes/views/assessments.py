"""Assessing objectives: the evidence for a period and the rating form; a partner's
dashboard of every objective over time.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from coopsec.activities.forms import add_service_errors
from coopsec.errors import Invalid
from coopsec.network import dates
from coopsec.programmes import access, selectors, services
from coopsec.programmes.forms import AssessmentForm, PeriodForm, default_period
from coopsec.programmes.models import Assessment, Objective, Programme, Side
from coopsec.programmes.periods import parse_period
from coopsec.programmes.views.base import ASSESSED, actor_for, project_errors

# --- assessments ---------------------------------------------------------------------------


@login_required
@project_errors
def objective_assessment(request: HttpRequest, objective_id: int) -> HttpResponse:
    """An objective's evidence for a period (attended activities in its area, feedback, the
    hosts' reports), its assessments so far, and the form to rate the period."""
    actor = actor_for(request)
    objective = selectors.objective_get(actor=actor, objective_id=objective_id)
    programme = objective.programme
    fallback = default_period(programme, dates.today())
    status = 200
    if request.method == "POST":
        form = AssessmentForm(request.POST)
        if form.is_valid():
            try:
                assessment, created = services.assessment_record(
                    actor=actor, data=form.to_input(objective_id)
                )
            except Invalid as exc:
                add_service_errors(form, exc.details, exc.message)
            else:
                messages.success(
                    request,
                    (_("The assessment for %(period)s is recorded.") if created else
                     _("The assessment for %(period)s is updated."))
                    % {"period": assessment.period},
                )  # fmt: skip
                url = reverse("programmes:objective-assessment", args=[objective_id])
                return redirect(f"{url}?period={assessment.period}")
        status = 400
        period_form = PeriodForm({}, programme=programme, default=fallback)
        try:
            period = parse_period(str(form.data.get("period", "")))
        except ValueError:
            period = parse_period(fallback)
    else:
        period_form = PeriodForm(request.GET, programme=programme, default=fallback)
        period = parse_period(period_form.value())
        form = AssessmentForm(initial={"period": period.label})
    assessments = list(
        selectors.assessment_list(actor=actor, programme_id=programme.pk, objective_id=objective_id)
    )
    side = access.assessing_side(actor, programme)
    may_assess = programme.status in ASSESSED and access.can_assess_programme(actor, programme)
    if may_assess and request.method != "POST":
        for a in assessments:
            if a.period == period.label and a.side == side:
                form.initial.update(rating=a.rating, narrative=a.narrative)
    evidence = selectors.objective_evidence_get(
        actor=actor, objective_id=objective_id, start=period.start, end=period.end
    )
    return render(
        request,
        "programmes/objective_assessment.html",
        {
            "section": "programmes",
            "objective": objective,
            "programme": programme,
            "period": period,
            "period_form": period_form,
            "form": form if may_assess else None,
            "side": Side(side).label,
            "is_assessed": programme.status in ASSESSED,
            "evidence": evidence,
            "feedback": {
                name: evidence.average(name) for name in ("relevance", "quality", "applicability")
            },
            "assessments": assessments,
        },
        status=status,
    )


@dataclass
class DashboardRow:
    objective: Objective
    cells: list[list[Assessment]]  # per period: the sides' assessments, partner first


@login_required
@project_errors
def assessment_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """Every objective of a partner's agreed programmes over time: a row per objective, a
    cell per period with each side's rating."""
    actor = actor_for(request)
    partner = selectors.partner_get(actor=actor, code=code)
    trajectories = selectors.assessment_trajectories(actor=actor, partner_code=partner.code)
    spans = {(a.period, a.period_start, a.period_end) for t in trajectories for a in t.points}
    # A year before its halves, a half before its quarters.
    periods = [p for p, _s, _e in sorted(spans, key=lambda s: (s[1], -s[2].toordinal()))]
    groups: list[tuple[Programme, list[DashboardRow]]] = []
    for t in trajectories:
        by_period: dict[str, list[Assessment]] = {}
        for a in sorted(t.points, key=lambda a: a.side != Side.PARTNER):
            by_period.setdefault(a.period, []).append(a)
        row = DashboardRow(t.objective, [by_period.get(p, []) for p in periods])
        if not groups or groups[-1][0].pk != t.objective.programme_id:
            groups.append((t.objective.programme, []))
        groups[-1][1].append(row)
    return render(
        request,
        "programmes/assessment_dashboard.html",
        {"section": "programmes", "partner": partner, "periods": periods, "groups": groups},
    )
