"""Programme pages: the lists, starting and editing a programme, its page (objectives,
planned activities, progress, the menu to build from, review), the review steps, exports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopsec.accounts.actor import Actor
from coopsec.activities import selectors as menu
from coopsec.activities.forms import add_service_errors
from coopsec.activities.models import CooperationArea
from coopsec.errors import Forbidden, Invalid, NotFound
from coopsec.network import dates
from coopsec.network import selectors as network
from coopsec.programmes import access, selectors, services
from coopsec.programmes.forms import (
    AgreeForm,
    CommentForm,
    ItemForm,
    MenuSearchForm,
    ObjectiveForm,
    ProgrammeFilterForm,
    ProgrammeForm,
    ReturnForm,
    error_messages,
    programme_initial,
)
from coopsec.programmes.models import (
    Assessment,
    Objective,
    Programme,
    ProgrammeItem,
    ProgrammeStatus,
    ProgrammeType,
)
from coopsec.programmes.views.base import (
    ASSESSED,
    actor_for,
    all_areas,
    detail_url,
    project_errors,
    reason_of,
    type_label,
)

PROGRAMMES_PER_PAGE = 25
MENU_RESULTS = 12  # menu search results shown on a programme's page

# --- lists ---------------------------------------------------------------------------------


def _own_partner(actor: Actor) -> Any:
    """The partner a liaison acts for (its pages are "mine"); None for everyone else."""
    return actor.organization if access.can_create_programme(actor) else None


@login_required
@project_errors
def programme_list(request: HttpRequest) -> HttpResponse:
    """The programmes the reader may see: a liaison its partner's, alliance staff every
    partner's, filtered by partner and status. Institution managers see no programme, so
    theirs is an empty list (like every list page here: lists answer 200 with what the
    selectors let the reader see; pages about one partner or programme answer 404)."""
    actor = actor_for(request)
    is_staff = actor.has_role(*access.STAFF_ROLES)
    partners = network.partner_list(actor=actor, as_of=dates.today()) if is_staff else None
    form = ProgrammeFilterForm(request.GET, partners=partners)
    partner, status = form.values()
    errors = error_messages(form)
    try:
        programmes = selectors.programme_list(actor=actor, partner=partner, status=status)
    except NotFound as exc:
        errors.append(exc.message)
        partner = ""
        programmes = selectors.programme_list(actor=actor).none()
    page = Paginator(programmes, PROGRAMMES_PER_PAGE).get_page(request.GET.get("page"))
    own = _own_partner(actor)
    return render(
        request,
        "programmes/programme_list.html",
        {
            "section": "programmes",
            "form": form,
            "errors": errors,
            "page_obj": page,
            "programmes": page.object_list,
            "own_partner": own,
            "chosen_partner": partner or (own.code if own is not None else ""),
            "is_filtered": form.is_bound,
        },
    )


@login_required
@project_errors
def programme_queue(request: HttpRequest) -> HttpResponse:
    """Submitted programmes awaiting the coordinators' review, oldest submission first."""
    actor = actor_for(request)
    page = Paginator(selectors.programme_queue(actor=actor), PROGRAMMES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "programmes/programme_queue.html",
        {"section": "programme-queue", "page_obj": page, "programmes": page.object_list},
    )


@login_required
@project_errors
def programme_create(request: HttpRequest) -> HttpResponse:
    """A liaison starts its partner's programme (as a draft)."""
    actor = actor_for(request)
    if not access.can_create_programme(actor):
        raise Forbidden(_("A partner's liaison starts its partner's programme."))
    next_year = dates.today().year + 1
    form = ProgrammeForm(
        request.POST if request.method == "POST" else None,
        initial={"type": ProgrammeType.ITPP, "cycle_start": next_year, "cycle_end": next_year + 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(actor=actor, data=form.to_input())
        except Invalid as exc:
            add_service_errors(form, exc.details, exc.message)
        else:
            messages.success(
                request, _("The draft is started: add objectives, then plan activities.")
            )
            return redirect(detail_url(programme.pk))
    return render(
        request,
        "programmes/programme_form.html",
        {"section": "programmes", "form": form, "programme": None},
        status=400 if form.errors else 200,
    )


@login_required
@project_errors
def programme_update(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Change a programme's type, cycle or title (whoever may edit it now)."""
    actor = actor_for(request)
    programme = selectors.programme_get(actor=actor, programme_id=programme_id)
    if not access.can_edit_programme(actor, programme):
        raise Forbidden(_("You may not change this programme now."))
    form = ProgrammeForm(
        request.POST if request.method == "POST" else None, initial=programme_initial(programme)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(actor=actor, programme_id=programme_id, data=form.to_input())
        except Invalid as exc:
            add_service_errors(form, exc.details, exc.message)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(detail_url(programme_id))
    return render(
        request,
        "programmes/programme_form.html",
        {"section": "programmes", "form": form, "programme": programme},
        status=400 if form.errors else 200,
    )


# --- one programme -------------------------------------------------------------------------


@dataclass
class ItemRow:
    item: ProgrammeItem

    @property
    def type_label(self) -> str:
        return type_label(self.item.activity_type)


@dataclass
class ObjectiveBlock:
    objective: Objective
    items: list[ItemRow]
    progress: selectors.ObjectiveProgress | None
    latest: list[Assessment]  # the latest assessment of each side


@dataclass
class MenuResult:
    activity: Any
    planned: bool


@dataclass
class DetailForms:
    objective: ObjectiveForm | None = None
    item: ItemForm | None = None
    comment: CommentForm | None = None
    back: ReturnForm | None = None


def _latest_assessments(actor: Actor, programme: Programme) -> dict[int, list[Assessment]]:
    if programme.status not in ASSESSED:
        return {}
    latest: dict[tuple[int, str], Assessment] = {}
    for a in selectors.assessment_list(actor=actor, programme_id=programme.pk):
        # Ordered by period start: the last one seen per side is the latest period.
        latest[(a.objective_id, a.side)] = a
    result: dict[int, list[Assessment]] = {}
    for (objective_id, _side), a in sorted(latest.items(), key=lambda kv: kv[1].side, reverse=True):
        result.setdefault(objective_id, []).append(a)
    return result


def _menu_results(
    request: HttpRequest, actor: Actor, programme: Programme, areas: list[CooperationArea],
    planned: set[int],
) -> dict[str, Any]:  # fmt: skip
    search = MenuSearchForm(request.GET, areas=areas)
    errors = error_messages(search)
    results: list[MenuResult] = []
    more = False
    try:
        activities = menu.activity_list(actor=actor, filters=search.filters(programme=programme))
        found = list(activities[: MENU_RESULTS + 1])
        more = len(found) > MENU_RESULTS
        results = [MenuResult(a, a.pk in planned) for a in found[:MENU_RESULTS]]
    except NotFound as exc:
        errors.append(exc.message)
    return {"form": search, "errors": errors, "results": results, "more": more}


def render_detail(
    request: HttpRequest,
    actor: Actor,
    programme_id: int,
    *,
    given: DetailForms | None = None,
    pick_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    given = given or DetailForms()
    programme = selectors.programme_get(actor=actor, programme_id=programme_id)
    objectives = list(programme.objectives.all())
    items = list(programme.items.all())
    progress = {
        p.objective.pk: p for p in selectors.programme_progress(actor=actor, programme=programme)
    }
    latest = _latest_assessments(actor, programme)
    blocks = [
        ObjectiveBlock(
            objective=o,
            items=[ItemRow(i) for i in items if i.objective_id == o.pk],
            progress=progress.get(o.pk),
            latest=latest.get(o.pk, []),
        )
        for o in objectives
    ]
    can_edit = access.can_edit_programme(actor, programme)
    may_review = access.can_review_programme(actor, programme)
    context: dict[str, Any] = {
        "section": "programmes",
        "programme": programme,
        "blocks": blocks,
        "years": list(programme.years),
        "comments": list(programme.comments.all()),
        "can_edit": can_edit,
        "can_submit": programme.status == ProgrammeStatus.DRAFT
        and access.can_submit_programme(actor, programme),
        "can_review": programme.status == ProgrammeStatus.SUBMITTED and may_review,
        "can_comment": programme.status != ProgrammeStatus.SUPERSEDED
        and access.can_comment_programme(actor, programme),
        "can_assess": programme.status in ASSESSED
        and access.can_assess_programme(actor, programme),
        "is_assessed": programme.status in ASSESSED,
        "pick_errors": pick_errors or [],
    }
    if can_edit:
        areas = all_areas(actor)
        context["objective_form"] = given.objective or ObjectiveForm(
            areas=areas, may_agree=may_review, auto_id="objective-%s"
        )
        if objectives:
            context["item_form"] = given.item or ItemForm(
                programme=programme, objectives=objectives, areas=areas, auto_id="plan-%s",
                initial={"year": programme.cycle_start, "planned_seats": 1},
            )  # fmt: skip
            planned = {i.activity_id for i in items if i.activity_id is not None}
            context["menu"] = _menu_results(request, actor, programme, areas, planned)
    if context["can_comment"]:
        context["comment_form"] = given.comment or CommentForm()
    if context["can_review"]:
        context["return_form"] = given.back or ReturnForm()
        context["agree_form"] = AgreeForm()
    return render(request, "programmes/programme_detail.html", context, status=status)


@login_required
@project_errors
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    """A programme: objectives with their planned activities, progress, comments, and what
    the reader may do with it (build it from the menu, submit, agree, return, comment)."""
    return render_detail(request, actor_for(request), programme_id)


@require_POST
@login_required
@project_errors
def programme_submit(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The partner submits its draft to the coordinators."""
    actor = actor_for(request)
    try:
        services.programme_submit(actor=actor, programme_id=programme_id)
    except Invalid as exc:
        messages.error(request, reason_of(exc))
    else:
        messages.success(request, _("The programme is submitted; the coordinators review it."))
    return redirect(detail_url(programme_id))


@require_POST
@login_required
@project_errors
def programme_agree(request: HttpRequest, programme_id: int) -> HttpResponse:
    """A coordinator agrees a submitted programme."""
    actor = actor_for(request)
    form = AgreeForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.programme_agree(actor=actor, programme_id=programme_id, note=note)
    except Invalid as exc:
        messages.error(request, reason_of(exc))
    else:
        messages.success(request, _("The programme is agreed; its objectives are agreed too."))
    return redirect(detail_url(programme_id))


@require_POST
@login_required
@project_errors
def programme_return(request: HttpRequest, programme_id: int) -> HttpResponse:
    """A coordinator sends a submitted programme back to the partner, saying why."""
    actor = actor_for(request)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.programme_return(
                actor=actor, programme_id=programme_id, comment=form.cleaned_data["comment"]
            )
        except Invalid as exc:
            add_service_errors(form, exc.details, exc.message)
        else:
            messages.success(request, _("The programme is back with the partner as a draft."))
            return redirect(detail_url(programme_id))
    return render_detail(request, actor, programme_id, given=DetailForms(back=form), status=400)


@require_POST
@login_required
@project_errors
def programme_comment(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Either side remarks on the programme."""
    actor = actor_for(request)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.programme_comment(
                actor=actor, programme_id=programme_id, text=form.cleaned_data["text"]
            )
        except Invalid as exc:
            add_service_errors(form, exc.details, exc.message)
        else:
            messages.success(request, _("The comment is added."))
            return redirect(detail_url(programme_id, "comments"))
    return render_detail(request, actor, programme_id, given=DetailForms(comment=form), status=400)


# --- exports -------------------------------------------------------------------------------

EXPORT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
@project_errors
def programme_export(request: HttpRequest, programme_id: int, fmt: str) -> HttpResponse:
    """The programme as a printable PDF or an .xlsx workbook."""
    from coopsec.programmes import documents

    actor = actor_for(request)
    programme = selectors.programme_get(actor=actor, programme_id=programme_id)
    if fmt == "pdf":
        content = documents.programme_pdf(actor=actor, programme_id=programme_id)
    else:
        content = documents.programme_xlsx(actor=actor, programme_id=programme_id)
    name = (
        f"{programme.type}-{programme.partner.code}-{programme.cycle_start}-{programme.cycle_end}"
    )
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
