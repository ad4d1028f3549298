"""The planning pages (issue 7): the runs and a new run's form; a run's page, which follows
the task while it solves or applies (a script polls the status URL; the page works without
one), then shows the three methods side by side, every decision with its reason (filtered,
paginated, adjustable by hand before the run is applied), where one more seat pays most and
the deepen-versus-widen frontier; and the Apply button, which queues the apply task.

Views parse, call `planning.selectors` or `planning.services` and render; the access rules
are `planning.access`'s (the buttons shown are asked of the same predicates). A refusal is
shown on the page it came from, next to what it names, with status 400.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.errors import CoopsecError, Forbidden, Invalid, NotFound
from coopsec.planning import access, selectors, services
from coopsec.planning.forms import DecisionFilterForm, RunForm
from coopsec.planning.models import AllocationRun, Outcome, RunStatus
from coopsec.planning.params import EVERY
from coopsec.planning.presentation import comparison, decision_row, frontier, marginal, shown

P = ParamSpec("P")
RUNS_PER_PAGE = 25
DECISIONS_PER_PAGE = 50


def actor_for(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User), "login_required lets only signed-in users through"
    return Actor.from_user(user)


def project_errors(
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """NotFound → 404, Forbidden → a 403 page that says why."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            return render(
                request, "planning/forbidden.html",
                {"message": exc.message, "section": "planning"}, status=403,
            )  # fmt: skip

    return wrapper


# --- the runs ------------------------------------------------------------------------------


def _list_page(
    request: HttpRequest, actor: Actor, form: RunForm | None, status: int = 200
) -> HttpResponse:
    runs = Paginator(selectors.run_list(actor=actor), RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "section": "planning",
        "page_obj": runs,
        "runs": [_run_row(r) for r in runs.object_list],
        "form": form,
    }
    return render(request, "planning/run_list.html", context, status=status)


def _run_row(run: AllocationRun) -> dict[str, Any]:
    optimum = run.metrics.get("optimum", {})
    return {
        "run": run,
        "scope": scope_of(run),
        "seats": shown(optimum.get("seats"), "integer"),
        "gap": shown(optimum.get("gap"), "percent2"),
    }


def scope_of(run: AllocationRun) -> str:
    """What a run allocates, in words."""
    if run.cycle is not None:
        return _("Cycle %(year)s") % {"year": run.cycle}
    return _("%(n)s listed activities") % {"n": len(run.activities)}


@login_required
@project_errors
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    """The runs, newest first, and (for those who plan) the form of a new run."""
    actor = actor_for(request)
    return _list_page(request, actor, RunForm() if access.can_create_run(actor) else None)


@login_required
@project_errors
@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    """Start a run and go to its page; a refused one re-shows the form with each reason
    next to its field (400), and nothing is stored."""
    actor = actor_for(request)
    if not access.can_create_run(actor):
        # Asked before the form is read, so a role that does not plan gets 403 whatever
        # it posts (the service asks the same rule).
        raise Forbidden(_("Only coordinators and administrators allocate seats."))
    form = RunForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            run = services.run_create(
                actor=actor, cycle=data["cycle"], activities=data["activities"],
                params=form.params(),
            )  # fmt: skip
        except Invalid as exc:
            form.add_refusal(exc.details, exc.message)
        else:
            messages.success(request, _("Run %(id)s is queued.") % {"id": run.pk})
            return redirect("planning:run-detail", run.pk)
    return _list_page(request, actor, form, status=400)


# --- one run -------------------------------------------------------------------------------


def _progress(run: AllocationRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": str(RunStatus(run.status).label),
        "progress": run.progress,
        "step": run.step,
        "error": run.error,
        "busy": run.busy,
        "applied": run.applied,
    }


def _run_page(
    request: HttpRequest,
    actor: Actor,
    run: AllocationRun,
    query: QueryDict,
    *,
    refusal: dict[str, Any] | None = None,
) -> HttpResponse:
    """The run's page. `query` holds the decisions' filters and page; `refusal` an apply or
    adjust the services refused ({"message", "problems", "nomination"}: shown, 400)."""
    open_for_changes = run.status == RunStatus.DONE and not run.applied
    what_if = run.inputs.get("nominations") == EVERY
    context: dict[str, Any] = {
        "section": "planning",
        "run": run,
        "scope": scope_of(run),
        **_progress(run),
        "what_if": what_if,
        "can_apply": open_for_changes and not what_if and access.can_apply_run(actor),
        "can_adjust": open_for_changes and access.can_adjust_run(actor),
        "refusal": refusal,
        "query": query.urlencode(),
        "outcomes": Outcome.choices,
    }
    status = 400 if refusal else 200
    if run.metrics and run.status in (RunStatus.DONE, RunStatus.APPLYING):
        form = DecisionFilterForm(
            query,
            partners=sorted(p["code"] for p in run.inputs["partners"]),
            activities={a["code"]: a["id"] for a in run.inputs["activities"]},
        )
        page = None
        if form.is_valid():
            decisions = selectors.run_decisions(actor=actor, run=run, **form.values())
            page = Paginator(decisions, DECISIONS_PER_PAGE).get_page(query.get("page"))
        else:
            status = 400
        rows = [decision_row(d) for d in page.object_list] if page else []
        for row in rows:
            row["activity_url"] = _decisions_url(query, activity=row["decision"].activity.code)
        context.update(
            comparison=comparison(run),
            marginal=marginal(run),
            frontier=frontier(run),
            filters=form,
            page_obj=page,
            decisions=rows,
            prev_url=_decisions_url(query, page=page.number - 1) if page else "",
            next_url=_decisions_url(query, page=page.number + 1) if page else "",
            left_out=len(run.inputs.get("left_out", [])),
        )
    return render(request, "planning/run_detail.html", context, status=status)


def _decisions_url(query: QueryDict, **changes: object) -> str:
    """The decisions with one filter or the page changed, the others kept (a new filter
    starts again at the first page)."""
    changed = query.copy()
    if "page" not in changes:
        changed.pop("page", None)
    for name, value in changes.items():
        changed[name] = str(value)
    return f"?{changed.urlencode()}#decisions"


@login_required
@project_errors
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """A run: its progress while a task works on it, then its figures and decisions."""
    actor = actor_for(request)
    run = selectors.run_get(actor=actor, run_id=run_id)
    return _run_page(request, actor, run, request.GET)


@login_required
@require_GET
def run_status(request: HttpRequest, run_id: int) -> JsonResponse:
    """The run's status and progress as JSON, for the page's script."""
    try:
        run = selectors.run_get(actor=actor_for(request), run_id=run_id)
    except CoopsecError as exc:
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse(_progress(run))


def _refused(exc: Invalid, nomination: int | None = None) -> dict[str, Any]:
    details = exc.details if isinstance(exc.details, list) else []
    return {
        "message": exc.message,
        "problems": [f"{d['field']}: {d['message']}" for d in details if isinstance(d, dict)],
        "nomination": nomination,
    }


@login_required
@project_errors
@require_POST
def run_apply(request: HttpRequest, run_id: int) -> HttpResponse:
    """Queue the apply task and follow it on the run's page; a run that cannot be applied
    (not done, applied, a what-if, its cycle changed) stays as it is, with the reason."""
    actor = actor_for(request)
    try:
        services.run_apply_request(actor=actor, run_id=run_id)
    except Invalid as exc:
        run = selectors.run_get(actor=actor, run_id=run_id)
        return _run_page(request, actor, run, QueryDict(), refusal=_refused(exc))
    messages.success(request, _("Run %(id)s is being applied in the background.") % {"id": run_id})
    return redirect("planning:run-detail", run_id)


@login_required
@project_errors
@require_POST
def decision_adjust(request: HttpRequest, run_id: int, nomination_id: int) -> HttpResponse:
    """Set one decision's outcome by hand and go back to the same page of decisions; a
    change that breaks a hard constraint is refused with the reasons, next to its row."""
    actor = actor_for(request)
    query = QueryDict(request.POST.get("query", ""))
    try:
        decision = services.run_adjust(
            actor=actor, run_id=run_id, nomination_id=nomination_id,
            outcome=request.POST.get("outcome", ""),
        )  # fmt: skip
    except Invalid as exc:
        run = selectors.run_get(actor=actor, run_id=run_id)
        return _run_page(request, actor, run, query, refusal=_refused(exc, nomination_id))
    messages.success(
        request,
        _("Nomination %(id)s is now %(outcome)s.")
        % {"id": nomination_id, "outcome": str(Outcome(decision.outcome).label).lower()},
    )
    url = reverse("planning:run-detail", args=[run_id])
    suffix = f"?{query.urlencode()}" if query else ""
    return redirect(f"{url}{suffix}#decision-{nomination_id}")
