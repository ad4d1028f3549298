"""Building a programme: objectives and planned activities, added on the programme's page
(a refused entry re-shows it with the reasons on the fields) and edited on their own pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopsec.accounts.actor import Actor
from coopsec.activities.forms import add_service_errors
from coopsec.errors import Forbidden, Invalid, NotFound
from coopsec.programmes import access, selectors, services
from coopsec.programmes.forms import ItemForm, ObjectiveForm, item_initial, objective_initial
from coopsec.programmes.models import Programme, ProgrammeItem
from coopsec.programmes.views.base import (
    actor_for,
    all_areas,
    detail_url,
    project_errors,
    reason_of,
    type_label,
)
from coopsec.programmes.views.programme import DetailForms, render_detail

# --- objectives ----------------------------------------------------------------------------


@require_POST
@login_required
@project_errors
def objective_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    actor = actor_for(request)
    programme = selectors.programme_get(actor=actor, programme_id=programme_id)
    form = ObjectiveForm(
        request.POST, areas=all_areas(actor), auto_id="objective-%s",
        may_agree=access.can_review_programme(actor, programme),
    )  # fmt: skip
    if form.is_valid():
        try:
            objective = services.objective_add(
                actor=actor, programme_id=programme_id, data=form.to_input()
            )
        except Invalid as exc:
            add_service_errors(form, exc.details, exc.message)
        else:
            messages.success(
                request, _("Objective “%(title)s” is added.") % {"title": objective.title}
            )
            return redirect(detail_url(programme_id, f"objective-{objective.pk}"))
    return render_detail(
        request, actor, programme_id, given=DetailForms(objective=form), status=400
    )


@login_required
@project_errors
def objective_update(request: HttpRequest, objective_id: int) -> HttpResponse:
    """Change an objective (whoever may edit its programme now)."""
    actor = actor_for(request)
    objective = selectors.objective_get(actor=actor, objective_id=objective_id)
    programme = objective.programme
    if not access.can_edit_programme(actor, programme):
        raise Forbidden(_("You may not change this programme now."))
    form = ObjectiveForm(
        request.POST if request.method == "POST" else None,
        areas=all_areas(actor),
        may_agree=access.can_review_programme(actor, programme),
        initial=objective_initial(objective),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_update(actor=actor, objective_id=objective_id, data=form.to_input())
        except Invalid as exc:
            add_service_errors(form, exc.details, exc.message)
        else:
            messages.success(request, _("The objective is saved."))
            return redirect(detail_url(programme.pk, f"objective-{objective_id}"))
    return render(
        request,
        "programmes/objective_form.html",
        {"section": "programmes", "form": form, "objective": objective, "programme": programme},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
@project_errors
def objective_remove(request: HttpRequest, objective_id: int) -> HttpResponse:
    actor = actor_for(request)
    objective = selectors.objective_get(actor=actor, objective_id=objective_id)
    try:
        services.objective_remove(actor=actor, objective_id=objective_id)
    except Invalid as exc:
        messages.error(request, reason_of(exc))
    else:
        messages.success(
            request,
            _("Objective “%(title)s” and its planned activities are removed.")
            % {"title": objective.title},
        )
    return redirect(detail_url(objective.programme_id, "objectives"))


# --- planned activities --------------------------------------------------------------------


@require_POST
@login_required
@project_errors
def item_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Plan an activity for an objective: one picked from the menu search, or an activity
    type in an area and year."""
    actor = actor_for(request)
    programme = selectors.programme_get(actor=actor, programme_id=programme_id)
    form = ItemForm(
        request.POST, programme=programme, objectives=programme.objectives.all(),
        areas=all_areas(actor), auto_id="plan-%s",
    )  # fmt: skip
    if form.is_valid():
        try:
            item = services.item_add(actor=actor, programme_id=programme_id, data=form.to_input())
        except Invalid as exc:
            add_service_errors(form, exc.details, exc.message)
        else:
            what = item.activity.code if item.activity is not None else _("the activity")
            messages.success(
                request,
                _("%(what)s is planned for “%(objective)s”.")
                % {"what": what, "objective": item.objective.title},
            )
            return redirect(detail_url(programme_id, f"objective-{item.objective_id}"))
    if form.is_menu_pick:
        # A pick is one button in a row of results: its reasons go above the results.
        reasons = [
            f"{form.fields[name].label}: {error}" if name != "__all__" else str(error)
            for name, errors in form.errors.items()
            for error in errors
        ]
        return render_detail(request, actor, programme_id, pick_errors=reasons, status=400)
    return render_detail(request, actor, programme_id, given=DetailForms(item=form), status=400)


def _item_of(actor: Actor, programme_id: int, item_id: int) -> tuple[Programme, ProgrammeItem]:
    programme = selectors.programme_get(actor=actor, programme_id=programme_id)
    for item in programme.items.all():
        if item.pk == item_id:
            return programme, item
    raise NotFound(_("No planned activity #%(id)s in this programme.") % {"id": item_id})


@login_required
@project_errors
def item_update(request: HttpRequest, programme_id: int, item_id: int) -> HttpResponse:
    """Change a planned activity: its objective, seats and note (and for one not yet on the
    menu, its area, type and year)."""
    actor = actor_for(request)
    programme, item = _item_of(actor, programme_id, item_id)
    if not access.can_edit_programme(actor, programme):
        raise Forbidden(_("You may not change this programme now."))
    form = ItemForm(
        request.POST if request.method == "POST" else None,
        programme=programme,
        objectives=programme.objectives.all(),
        areas=all_areas(actor),
        initial=item_initial(item),
    )
    if request.method == "POST" and form.is_valid():
        data = form.to_input()
        # The menu activity itself stays: a different one is a different plan.
        data.activity = item.activity_id
        try:
            services.item_update(actor=actor, item_id=item_id, data=data)
        except Invalid as exc:
            add_service_errors(form, exc.details, exc.message)
        else:
            messages.success(request, _("The planned activity is saved."))
            return redirect(detail_url(programme_id, f"objective-{data.objective}"))
    fields = form.menu_fields if item.activity_id is not None else form.plan_fields
    return render(
        request,
        "programmes/item_form.html",
        {
            "section": "programmes",
            "form": form,
            "fields": fields,
            "item": item,
            "type_label": type_label(item.activity_type),
            "programme": programme,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
@project_errors
def item_remove(request: HttpRequest, programme_id: int, item_id: int) -> HttpResponse:
    actor = actor_for(request)
    _programme, item = _item_of(actor, programme_id, item_id)
    services.item_remove(actor=actor, item_id=item_id)
    messages.success(request, _("The planned activity is removed."))
    return redirect(detail_url(programme_id, f"objective-{item.objective_id}"))
