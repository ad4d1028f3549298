"""Pages of the cooperation menu: parse the request, call a selector or a service, render.

Every write is a POST handled by a service. A refused write (`Invalid`) comes back as a
message on the page it came from (or as field errors when the form is re-shown); `Forbidden`
is a 403 page and `NotFound` a 404. Which buttons a page shows comes from the predicates of
activities/access.py, the same ones the services ask.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.activities import access, lifecycle, selectors, services
from coopsec.activities.eligibility import is_eligible
from coopsec.activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    FeedbackForm,
    NominationFilterForm,
    NominationForm,
    ReportForm,
    activity_initial,
    add_service_errors,
)
from coopsec.activities.models import (
    SEAT_STATES,
    Activity,
    ActivityReport,
    Feedback,
    Nomination,
    NominationState,
)
from coopsec.errors import Forbidden, Invalid, NotFound
from coopsec.network import dates
from coopsec.network import selectors as network
from coopsec.network.models import Organization, OrganizationKind
from coopsec.programmes import selectors as programme_selectors
from coopsec.programmes.models import ProgrammeItem

ACTIVITIES_PER_PAGE = 25
NOMINATIONS_PER_PAGE = 50
DESK_PER_PAGE = 100
QUEUE_PER_PAGE = 25
DESK_SECTION_SIZE = 20
NOTIFICATIONS_PER_PAGE = 25

P = ParamSpec("P")


def _actor(request: HttpRequest) -> Actor:
    user = request.user
    assert isinstance(user, User), "login_required lets only signed-in users through"
    return Actor.from_user(user)


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(
        request, "activities/forbidden.html", {"message": message, "section": "activities"},
        status=403,
    )  # fmt: skip


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
            return _forbidden(request, exc.message)

    return wrapper


def _back(request: HttpRequest, default: str) -> str:
    """Where a POST returns to: its `next` field when it is a page of this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _detail_url(activity_id: int) -> str:
    return reverse("activities:activity-detail", args=[activity_id])


def _can_propose(actor: Actor) -> bool:
    return actor.organization is not None and access.can_propose_activity(actor, actor.organization)


def _organization_code(actor: Actor) -> str:
    return actor.organization.code if actor.organization is not None else ""


# --- lifecycle buttons ---------------------------------------------------------------------

_TRANSITION_LABELS = {
    lifecycle.APPROVED: gettext_lazy("Approve"),
    lifecycle.OPEN: gettext_lazy("Open for nominations"),
    lifecycle.CLOSED: gettext_lazy("Close nominations"),
    lifecycle.CONDUCTED: gettext_lazy("Mark as conducted"),
    lifecycle.CANCELLED: gettext_lazy("Cancel the activity"),
}


@dataclass(frozen=True)
class TransitionButton:
    to: str
    label: str
    primary: bool
    confirm: str  # a question to ask first ("" for none)


def transition_buttons(actor: Actor, activity: Activity) -> list[TransitionButton]:
    """The lifecycle moves the actor may take from the activity's state (reporting goes
    through the report form, not a button)."""
    buttons: list[TransitionButton] = []
    for target in lifecycle.allowed_targets(activity.state):
        if target == lifecycle.REPORTED:
            continue
        if not access.can_transition_activity(actor, activity, target):
            continue
        label = str(_TRANSITION_LABELS[target])
        if target == lifecycle.OPEN and activity.state == lifecycle.CLOSED:
            label = _("Reopen for nominations")
        confirm = ""
        if target == lifecycle.CANCELLED:
            confirm = _("Cancel %(code)s? This cannot be undone.") % {"code": activity.code}
        buttons.append(
            TransitionButton(target, label, target != lifecycle.CANCELLED and not buttons, confirm)
        )
    return buttons


# --- the menu ------------------------------------------------------------------------------


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    """The menu: search and filters in the URL, seats left on every row."""
    actor = _actor(request)
    organizations = list(network.organization_list(actor=actor, kind=OrganizationKind.INSTITUTION))
    is_liaison = actor.has_role(R.PARTNER_LIAISON) and actor.organization is not None
    form = ActivityFilterForm(
        request.GET,
        areas=selectors.area_list(actor=actor),
        hosts=organizations,
        show_state=actor.has_role(*access.STAFF_ROLES, R.AUDITOR, R.INSTITUTION_MANAGER),
        show_eligible=is_liaison,
        today=dates.today(),
    )
    errors = form.error_messages()
    filters = form.filters(organization_code=_organization_code(actor))
    try:
        activities = selectors.activity_list(actor=actor, filters=filters)
    except NotFound as exc:
        errors.append(exc.message)
        activities = selectors.activity_list(actor=actor, filters=None).none()
    page = Paginator(activities, ACTIVITIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/activity_list.html",
        {
            "section": "activities",
            "form": form,
            "errors": errors,
            "page_obj": page,
            "activities": page.object_list,
            "can_propose": _can_propose(actor),
        },
    )


# --- one activity --------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerRow:
    """One line of the per-partner counts; `name` is empty for partners the reader may
    know only as counts."""

    name: str
    code: str
    partners: int
    confirmed: int
    waitlisted: int
    pending: int
    own: bool


def partner_rows(actor: Actor, activity: Activity) -> list[PartnerRow]:
    """Per-partner counts. The host and coordinators see each partner by name; everyone
    else sees its own organization by name and the other partners only as one total."""
    counts = selectors.activity_partner_counts(actor=actor, activity=activity)
    if access.can_manage_registration(actor, activity):
        return [
            PartnerRow(c.partner.name, c.partner.code, 1, c.confirmed, c.waitlisted, c.pending,
                       c.partner.pk == actor.organization_id)
            for c in counts
        ]  # fmt: skip
    rows = [
        PartnerRow(c.partner.name, c.partner.code, 1, c.confirmed, c.waitlisted, c.pending, True)
        for c in counts
        if c.partner.pk == actor.organization_id
    ]
    others = [c for c in counts if c.partner.pk != actor.organization_id]
    if others:
        rows.append(
            PartnerRow(
                "", "", len(others), sum(c.confirmed for c in others),
                sum(c.waitlisted for c in others), sum(c.pending for c in others), False,
            )
        )  # fmt: skip
    return rows


@dataclass
class OwnNomination:
    nomination: Nomination
    person: selectors.ParticipantView
    can_withdraw: bool
    feedback: Feedback | None
    feedback_form: FeedbackForm | None


def _feedback_of(nomination: Nomination) -> Feedback | None:
    try:
        return nomination.feedback
    except ObjectDoesNotExist:
        return None


def _report_of(activity: Activity) -> ActivityReport | None:
    try:
        return activity.report
    except ObjectDoesNotExist:
        return None


WITHDRAWABLE = (NominationState.PENDING, NominationState.WAITLISTED, NominationState.CONFIRMED)


def _render_detail(
    request: HttpRequest,
    actor: Actor,
    activity: Activity,
    *,
    nomination_form: NominationForm | None = None,
    feedback_form: tuple[int, FeedbackForm] | None = None,
    report_form: ReportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = dates.today()
    own: list[OwnNomination] = []
    if actor.organization is not None:
        for n in selectors.nomination_search(
            actor=actor, activity_id=activity.pk, organization=actor.organization.code
        ):
            feedback = _feedback_of(n)
            form = None
            if (
                n.state == NominationState.ATTENDED
                and feedback is None
                and access.can_submit_feedback(actor, n)
            ):
                form = FeedbackForm(prefix=f"feedback-{n.pk}")
                if feedback_form is not None and feedback_form[0] == n.pk:
                    form = feedback_form[1]
            own.append(
                OwnNomination(
                    nomination=n,
                    person=selectors.participant_view(actor=actor, nomination=n),
                    can_withdraw=n.state in WITHDRAWABLE
                    and access.can_withdraw_nomination(actor, n),
                    feedback=feedback,
                    feedback_form=form,
                )
            )
    participating = any(row.nomination.state in SEAT_STATES for row in own)

    # Nominating: only a liaison, only while open, only if eligible and before the deadline.
    nominate: dict[str, Any] = {"shown": False}
    if activity.state == lifecycle.CLOSED and access.can_nominate(actor, activity):
        nominate.update(shown=True, reason=_("Nominations are closed."))
    elif activity.state == lifecycle.OPEN and access.can_nominate(actor, activity):
        assert actor.organization is not None  # a liaison acts for its organization
        nominate["shown"] = True
        deadline = activity.registration_deadline
        if not is_eligible(activity, actor.organization):
            nominate["reason"] = _("%(partner)s is not eligible for this activity.") % {
                "partner": actor.organization.name
            }
        elif deadline is not None and today > deadline:
            nominate["reason"] = _("Registration closed on %(day)s.") % {"day": deadline}
        else:
            nominate["form"] = nomination_form or NominationForm(
                items=programme_items_for(actor, activity)
            )

    report = _report_of(activity)
    can_report = activity.state == lifecycle.CONDUCTED and access.can_transition_activity(
        actor, activity, lifecycle.REPORTED
    )
    return render(
        request,
        "activities/activity_detail.html",
        {
            "section": "activities",
            "activity": activity,
            "today": today,
            "transitions": transition_buttons(actor, activity),
            "can_edit": access.can_edit_activity(actor, activity),
            "can_manage": access.can_manage_registration(actor, activity),
            "partner_rows": partner_rows(actor, activity),
            "own_nominations": own,
            "nominate": nominate,
            "show_outcomes": activity.state in (lifecycle.CONDUCTED, lifecycle.REPORTED)
            and access.can_view_outcomes(actor, activity, participating),
            "report": report,
            "report_form": (report_form or ReportForm()) if can_report else None,
            "ics_url": reverse("api:api-root") + f"activities/{activity.pk}/ics",
        },
        status=status,
    )


@login_required
@project_errors
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Everything about one activity, and what the reader may do with it."""
    actor = _actor(request)
    activity = selectors.activity_get(actor=actor, activity_id=activity_id)
    return _render_detail(request, actor, activity)


@require_POST
@login_required
@project_errors
def activity_transition(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Move the activity along its lifecycle; a refused move is a message, not an error."""
    actor = _actor(request)
    to = request.POST.get("to", "")
    try:
        activity = services.activity_transition(actor=actor, activity_id=activity_id, to=to)
    except Invalid as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(code)s is now: %(state)s.")
            % {"code": activity.code, "state": activity.get_state_display()},
        )
    return redirect(_back(request, _detail_url(activity_id)))


@require_POST
@login_required
@project_errors
def nomination_create(request: HttpRequest, activity_id: int) -> HttpResponse:
    """A liaison nominates a participant; the page says whether a seat was confirmed."""
    actor = _actor(request)
    activity = selectors.activity_get(actor=actor, activity_id=activity_id)
    form = NominationForm(request.POST, items=programme_items_for(actor, activity))
    if form.is_valid():
        try:
            nomination = services.nomination_create(
                actor=actor,
                activity_id=activity_id,
                participant=form.participant(),
                priority=form.cleaned_data["priority"],
                programme_item=form.item_id(),
            )
        except Invalid as exc:
            add_service_errors(form, exc.details, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s is nominated: %(state)s.")
                % {"name": nomination.participant.name, "state": nomination.get_state_display()},
            )
            return redirect(_detail_url(activity_id) + "#nominations")
    return _render_detail(request, actor, activity, nomination_form=form, status=400)


def programme_items_for(actor: Actor, activity: Activity) -> list[ProgrammeItem]:
    """The planned activities of the liaison's programme a nomination to `activity` may
    serve (none for anyone else)."""
    if not access.can_nominate(actor, activity):
        return []
    return programme_selectors.item_choices_for_nomination(actor=actor, activity=activity)


@require_POST
@login_required
@project_errors
def nomination_withdraw(request: HttpRequest, nomination_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        nomination = services.nomination_withdraw(actor=actor, nomination_id=nomination_id)
    except Invalid as exc:
        messages.error(request, exc.message)
        nomination = selectors.nomination_get(actor=actor, nomination_id=nomination_id)
    else:
        messages.success(request, _("The nomination is withdrawn."))
    return redirect(_back(request, _detail_url(nomination.activity_id)))


@require_POST
@login_required
@project_errors
def feedback_submit(request: HttpRequest, nomination_id: int) -> HttpResponse:
    """The liaison enters an attended participant's feedback."""
    actor = _actor(request)
    nomination = selectors.nomination_get(actor=actor, nomination_id=nomination_id)
    form = FeedbackForm(request.POST, prefix=f"feedback-{nomination_id}")
    if form.is_valid():
        try:
            services.feedback_submit(actor=actor, nomination_id=nomination_id, data=form.to_input())
        except Invalid as exc:
            add_service_errors(form, exc.details, exc.message)
        else:
            messages.success(request, _("Thank you: the feedback is recorded."))
            return redirect(_detail_url(nomination.activity_id) + "#nominations")
    activity = selectors.activity_get(actor=actor, activity_id=nomination.activity_id)
    return _render_detail(request, actor, activity, feedback_form=(nomination_id, form), status=400)


@require_POST
@login_required
@project_errors
def report_submit(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The host submits the after-action report; the activity becomes reported."""
    actor = _actor(request)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            services.report_submit(actor=actor, activity_id=activity_id, data=form.to_input())
        except Invalid as exc:
            add_service_errors(form, exc.details, exc.message)
        else:
            messages.success(
                request, _("The report is submitted and the participating partners notified.")
            )
            return redirect(_detail_url(activity_id) + "#report")
    activity = selectors.activity_get(actor=actor, activity_id=activity_id)
    return _render_detail(request, actor, activity, report_form=form, status=400)


# --- proposing and editing -----------------------------------------------------------------


def _activity_form(
    request: HttpRequest, actor: Actor, *, data: Any, initial: dict[str, Any] | None,
    current_host: Organization | None = None,
) -> ActivityForm:  # fmt: skip
    organizations = list(network.organization_list(actor=actor))
    if actor.has_role(R.COORDINATOR):
        hosts = [o for o in organizations if o.kind == OrganizationKind.INSTITUTION]
    else:
        hosts = [o for o in organizations if o.pk == actor.organization_id]
    if current_host is not None and current_host not in hosts:
        hosts.insert(0, current_host)
    partner_kinds = (
        OrganizationKind.PARTNER_STATE,
        OrganizationKind.INTERNATIONAL_ORG,
        OrganizationKind.REGIONAL_ORG,
    )
    return ActivityForm(
        data,
        hosts=hosts,
        areas=selectors.area_list(actor=actor),
        states=[o for o in organizations if o.is_state],
        frameworks=network.framework_list(actor=actor),
        partners=[o for o in organizations if o.kind in partner_kinds],
        initial=initial,
    )


@login_required
@project_errors
def activity_create(request: HttpRequest) -> HttpResponse:
    """Propose an activity: a coordinator for any host, a manager for its institution."""
    actor = _actor(request)
    if not _can_propose(actor):
        raise Forbidden(_("Coordinators and institution managers propose activities."))
    initial = {"host": _organization_code(actor)} if actor.has_role(R.INSTITUTION_MANAGER) else {}
    form = _activity_form(
        request, actor, data=request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(actor=actor, data=form.to_input())
        except Invalid as exc:
            add_service_errors(form, exc.details, exc.message)
        else:
            messages.success(
                request,
                _("%(code)s is proposed; a coordinator will review it.") % {"code": activity.code},
            )
            return redirect(_detail_url(activity.pk))
    return render(
        request,
        "activities/activity_form.html",
        {"section": "activities", "form": form, "activity": None},
        status=400 if form.errors else 200,
    )


@login_required
@project_errors
def activity_update(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Change an activity's description (coordinators, and the host until conducted)."""
    actor = _actor(request)
    activity = selectors.activity_get(actor=actor, activity_id=activity_id)
    if not access.can_edit_activity(actor, activity):
        raise Forbidden(_("You may not change this activity."))
    form = _activity_form(
        request,
        actor,
        data=request.POST if request.method == "POST" else None,
        initial=activity_initial(activity),
        current_host=activity.host,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(actor=actor, activity_id=activity_id, data=form.to_input())
        except Invalid as exc:
            add_service_errors(form, exc.details, exc.message)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(_detail_url(activity_id))
    return render(
        request,
        "activities/activity_form.html",
        {"section": "activities", "form": form, "activity": activity},
        status=400 if form.errors else 200,
    )


# --- the registration desk -----------------------------------------------------------------


@dataclass(frozen=True)
class DeskRow:
    position: int
    nomination: Nomination
    person: selectors.ParticipantView
    decisions: list[tuple[str, str]]  # (state, button label)
    attendance: list[tuple[str, str]]  # ("1"/"0", button label)
    feedback: Feedback | None


_DECISION_LABELS = {
    NominationState.CONFIRMED: gettext_lazy("Confirm"),
    NominationState.WAITLISTED: gettext_lazy("Waitlist"),
    NominationState.DECLINED: gettext_lazy("Decline"),
}


@login_required
@project_errors
def activity_desk(request: HttpRequest, activity_id: int) -> HttpResponse:
    """The host's registration desk: every nomination in waiting-list order, decisions and
    attendance. Partners never reach it: for them it does not exist (404)."""
    actor = _actor(request)
    activity = selectors.activity_get(actor=actor, activity_id=activity_id)
    if not access.registration_desk_exists_for(actor, activity):
        raise NotFound(_("No registration desk for activity %(id)s.") % {"id": activity_id})
    if not access.can_manage_registration(actor, activity):
        raise Forbidden(_("Only the host and coordinators run the registration desk."))
    started = activity.start <= dates.today()
    page = Paginator(
        selectors.nomination_search(actor=actor, activity_id=activity.pk),
        DESK_PER_PAGE,
    ).get_page(request.GET.get("page"))
    rows = []
    for position, n in enumerate(page.object_list, start=page.start_index()):
        decisions: list[tuple[str, str]] = []
        if n.state in WITHDRAWABLE and activity.state in (lifecycle.OPEN, lifecycle.CLOSED):
            decisions = [
                (str(state), str(label))
                for state, label in _DECISION_LABELS.items()
                if state != n.state
            ]
        attendance = []
        if started and n.state in SEAT_STATES:
            attendance = [
                (value, str(label))
                for value, state, label in (
                    ("1", NominationState.ATTENDED, gettext_lazy("Attended")),
                    ("0", NominationState.NO_SHOW, gettext_lazy("No-show")),
                )
                if n.state != state
            ]
        rows.append(
            DeskRow(
                position=position,
                nomination=n,
                person=selectors.participant_view(actor=actor, nomination=n),
                decisions=decisions,
                attendance=attendance,
                feedback=_feedback_of(n),
            )
        )
    counts = partner_rows(actor, activity)
    return render(
        request,
        "activities/activity_desk.html",
        {
            "section": "desk",
            "activity": activity,
            "started": started,
            "rows": rows,
            "page_obj": page,
            "partner_rows": counts,
            "waitlisted": sum(r.waitlisted for r in counts),
            "pending": sum(r.pending for r in counts),
            "transitions": transition_buttons(actor, activity),
        },
    )


def _desk_action(
    request: HttpRequest, actor: Actor, nomination_id: int, act: Callable[[], Nomination]
) -> HttpResponse:
    """Run one registration-desk service call; report its outcome and go back to the desk."""
    try:
        nomination = act()
    except Invalid as exc:
        messages.error(request, exc.message)
        nomination = selectors.nomination_get(actor=actor, nomination_id=nomination_id)
    else:
        messages.success(
            request,
            _("%(name)s: %(state)s.")
            % {"name": nomination.participant.name, "state": nomination.get_state_display()},
        )
    return redirect(
        _back(request, reverse("activities:activity-desk", args=[nomination.activity_id]))
    )


@require_POST
@login_required
@project_errors
def nomination_decide(request: HttpRequest, nomination_id: int) -> HttpResponse:
    actor = _actor(request)
    to = request.POST.get("to", "")
    return _desk_action(
        request,
        actor,
        nomination_id,
        lambda: services.nomination_decide(actor=actor, nomination_id=nomination_id, to=to),
    )


@require_POST
@login_required
@project_errors
def nomination_attendance(request: HttpRequest, nomination_id: int) -> HttpResponse:
    actor = _actor(request)
    attended = request.POST.get("attended") == "1"
    return _desk_action(
        request,
        actor,
        nomination_id,
        lambda: services.attendance_record(
            actor=actor, nomination_id=nomination_id, attended=attended
        ),
    )


_DESK_SECTIONS = (
    (lifecycle.OPEN, gettext_lazy("Open for nominations")),
    (lifecycle.CLOSED, gettext_lazy("Closed: registration final, to be run")),
    (lifecycle.CONDUCTED, gettext_lazy("Conducted: after-action report due")),
    (lifecycle.APPROVED, gettext_lazy("Approved: to be opened")),
    (lifecycle.PROPOSED, gettext_lazy("Proposed: awaiting approval")),
)


@login_required
@project_errors
def desk_list(request: HttpRequest) -> HttpResponse:
    """The registrations an institution runs (a coordinator: every host's), by stage."""
    actor = _actor(request)
    if not access.can_use_registration_desks(actor):
        raise Forbidden(_("The registration desk is for hosts and coordinators."))
    host = "" if actor.has_role(R.COORDINATOR) else _organization_code(actor)
    sections = []
    for state, title in _DESK_SECTIONS:
        activities = selectors.activity_list(
            actor=actor, filters=selectors.ActivityFilters(host=host, state=state)
        )
        rows = list(activities[: DESK_SECTION_SIZE + 1])
        sections.append(
            {
                "state": state,
                "title": title,
                "activities": [(a, transition_buttons(actor, a)) for a in rows[:DESK_SECTION_SIZE]],
                "more": len(rows) > DESK_SECTION_SIZE,
                "menu_query": f"?host={host}&state={state}",
            }
        )
    return render(
        request,
        "activities/desk_list.html",
        {"section": "desk", "sections": sections, "host": actor.organization},
    )


# --- the approval queue --------------------------------------------------------------------


def _page_url(request: HttpRequest, param: str, number: int) -> str:
    """This page's URL with one of its paginators at page `number`, other parameters kept."""
    query = request.GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}"


@login_required
@project_errors
def activity_queue(request: HttpRequest) -> HttpResponse:
    """Proposed activities to approve and approved ones to open, oldest proposal first."""
    actor = _actor(request)
    if not access.can_use_approval_queue(actor):
        raise Forbidden(_("The approval queue is the coordinators'."))
    queues = []
    for state, title, param in (
        (lifecycle.PROPOSED, _("Proposed: to approve"), "proposed_page"),
        (lifecycle.APPROVED, _("Approved: to open"), "approved_page"),
    ):
        activities = selectors.activity_list(
            actor=actor, filters=selectors.ActivityFilters(state=state)
        ).order_by("created_at", "pk")
        page = Paginator(activities, QUEUE_PER_PAGE).get_page(request.GET.get(param))
        queues.append(
            {
                "state": state,
                "title": title,
                "page_obj": page,
                "rows": [(a, transition_buttons(actor, a)) for a in page.object_list],
                "here": f"{request.path}#queue-{state}",
                "prev_url": _page_url(request, param, page.number - 1),
                "next_url": _page_url(request, param, page.number + 1),
            }
        )
    return render(request, "activities/activity_queue.html", {"section": "queue", "queues": queues})


# --- my organization's nominations ---------------------------------------------------------


@login_required
@project_errors
def nomination_list(request: HttpRequest) -> HttpResponse:
    """The nominations the reader may see: a liaison its own organization's."""
    actor = _actor(request)
    form = NominationFilterForm(request.GET, today=dates.today())
    state, year = form.values()
    nominations = selectors.nomination_search(actor=actor, state=state, year=year)
    page = Paginator(nominations, NOMINATIONS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "nomination": n,
            "person": selectors.participant_view(actor=actor, nomination=n),
            "can_withdraw": n.state in WITHDRAWABLE and access.can_withdraw_nomination(actor, n),
            "feedback": _feedback_of(n),
            "feedback_due": n.state == NominationState.ATTENDED
            and _feedback_of(n) is None
            and access.can_submit_feedback(actor, n),
        }
        for n in page.object_list
    ]
    return render(
        request,
        "activities/nomination_list.html",
        {
            "section": "nominations",
            # A liaison reads its own organization's list; staff and hosts read everyone's
            # they may see.
            "partner": actor.organization if actor.has_role(R.PARTNER_LIAISON) else None,
            "form": form,
            "errors": form.error_messages(),
            "page_obj": page,
            "rows": rows,
            "is_filtered": bool(state or year),
        },
    )


# --- notifications -------------------------------------------------------------------------


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The reader's own notifications, newest first."""
    actor = _actor(request)
    page = Paginator(selectors.notification_list(actor=actor), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    notifications = [
        # Links are paths of this site; anything else is shown as text.
        (n, n.link if n.link.startswith("/") and not n.link.startswith("//") else "")
        for n in page.object_list
    ]
    return render(
        request,
        "activities/notification_list.html",
        {"section": "notifications", "page_obj": page, "notifications": notifications},
    )


@require_POST
@login_required
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark every notification of the reader read."""
    count = services.notification_mark_read(actor=_actor(request))
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect("activities:notification-list")
