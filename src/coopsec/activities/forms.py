"""Forms of the cooperation menu's pages.

Filter forms read GET parameters, so every list lives in its URL and can be bookmarked; a
value that does not parse is reported on the page and left out, never a server error. Entry
forms only parse: they hand the services their typed inputs (ActivityInput, ParticipantInput,
FeedbackInput, ReportInput), and the services decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coopsec.activities.models import (
    Activity,
    ActivityState,
    ActivityType,
    Clearance,
    CooperationArea,
    Eligibility,
    Mode,
    Nature,
    NominationState,
)
from coopsec.activities.selectors import ActivityFilters
from coopsec.activities.services import ActivityInput, FeedbackInput, ParticipantInput, ReportInput
from coopsec.network.forms import IsoDateField
from coopsec.network.models import Framework, Organization
from coopsec.programmes.models import ProgrammeItem

Choices = list[tuple[Any, Any]]


def area_choices(areas: Iterable[CooperationArea], *, whole_groups: bool) -> Choices:
    """The taxonomy as grouped options: each top-level area is a group of its children.

    With `whole_groups`, a group's first option is the top-level area itself ("all of it"),
    which a filter matches with its children.
    """
    areas = list(areas)
    children: dict[int, list[CooperationArea]] = {}
    for area in areas:
        if area.parent_id is not None:
            children.setdefault(area.parent_id, []).append(area)
    choices: Choices = []
    for area in areas:
        if area.parent_id is not None:
            continue
        kids = children.get(area.pk, [])
        if not kids:
            choices.append((area.code, area.display_name))
            continue
        options = [(kid.code, kid.display_name) for kid in kids]
        if whole_groups:
            label = _("All of “%(area)s”") % {"area": area.display_name}
            options.insert(0, (area.code, label))
        choices.append((area.display_name, options))
    return choices


def _organization_choices(organizations: Iterable[Organization]) -> Choices:
    return [(o.code, o.name) for o in organizations]


# --- the menu ------------------------------------------------------------------------------


class ActivityFilterForm(forms.Form):
    """Filters of the menu. Liaisons see only what their organization may nominate for until
    they untick the box; the first visit shows what is current (ending today or later)."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("Search"),
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Title, code or reference")}
        ),
    )
    area = forms.ChoiceField(required=False, label=_("Cooperation area"))
    type = forms.ChoiceField(required=False, label=_("Type"))
    host = forms.ChoiceField(required=False, label=_("Host"))
    state = forms.ChoiceField(required=False, label=_("State"))
    date_from = IsoDateField(required=False, label=_("From"))
    date_to = IsoDateField(required=False, label=_("To"))
    eligible = forms.BooleanField(required=False, label=_("Eligible for my organization"))
    with_seats = forms.BooleanField(required=False, label=_("With seats left"))

    def __init__(
        self,
        data: Any,
        *,
        areas: Iterable[CooperationArea],
        hosts: Iterable[Organization],
        show_state: bool,
        show_eligible: bool,
        today: date,
    ) -> None:
        # The form counts as submitted when anything but the page number is in the URL;
        # otherwise the defaults apply (and pagination links carry them on).
        self.submitted = any(key != "page" for key in data)
        if not self.submitted:
            data = None
        super().__init__(data, initial={"eligible": show_eligible, "date_from": today})
        self.today = today
        self._field("area").choices = [("", _("Any area")), *area_choices(areas, whole_groups=True)]
        self._field("type").choices = [("", _("Any type")), *ActivityType.choices]
        self._field("host").choices = [("", _("Any host")), *_organization_choices(hosts)]
        self._field("state").choices = [("", _("Any state")), *ActivityState.choices]
        if not show_state:
            del self.fields["state"]
        if not show_eligible:
            del self.fields["eligible"]

    def _field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    @property
    def text_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in ("eligible", "with_seats")]

    @property
    def check_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("eligible", "with_seats") if name in self.fields]

    def error_messages(self) -> list[str]:
        """Each reason a parameter was rejected, for display above the results."""
        if not self.is_bound:
            return []
        return [
            f"{self.fields[name].label}: {message}"
            for name, errors in self.errors.items()
            for message in errors
        ]

    def filters(self, *, organization_code: str) -> ActivityFilters:
        """The valid filters; rejected values are left out (see `error_messages`)."""
        if not self.is_bound:
            return ActivityFilters(
                date_from=self.initial.get("date_from"),
                eligible_for=organization_code if self.initial.get("eligible") else "",
            )
        self.is_valid()
        data = self.cleaned_data
        return ActivityFilters(
            q=(data.get("q") or "").strip(),
            area=data.get("area") or "",
            type=data.get("type") or "",
            host=data.get("host") or "",
            state=data.get("state") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            eligible_for=organization_code if data.get("eligible") else "",
            with_seats=bool(data.get("with_seats")),
        )

    @property
    def is_filtered(self) -> bool:
        return self.submitted


# --- proposing and editing an activity -----------------------------------------------------


class ActivityForm(forms.Form):
    """Every field of ActivityInput, in the order a host fills them in."""

    title = forms.CharField(max_length=250, label=_("Title (English)"))
    title_fr = forms.CharField(max_length=250, required=False, label=_("Title (French)"))
    code = forms.CharField(
        max_length=40,
        required=False,
        label=_("Code"),
        help_text=_("Leave empty to have one assigned."),
    )
    type = forms.ChoiceField(choices=ActivityType.choices, label=_("Type"))
    host = forms.ChoiceField(label=_("Host institution"))
    nature = forms.ChoiceField(choices=Nature.choices, label=_("Nature"))
    description = forms.CharField(
        required=False, label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    description_fr = forms.CharField(
        required=False, label=_("Description (French)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    primary_area = forms.ChoiceField(label=_("Primary cooperation area"))
    secondary_areas = forms.MultipleChoiceField(
        required=False, label=_("Other cooperation areas"), widget=forms.CheckboxSelectMultiple
    )
    start = IsoDateField(label=_("Starts"))
    end = IsoDateField(label=_("Ends"))
    registration_deadline = IsoDateField(required=False, label=_("Registration deadline"))
    online = forms.BooleanField(required=False, label=_("Online"))
    country = forms.ChoiceField(required=False, label=_("Country"))
    city = forms.CharField(max_length=120, required=False, label=_("City"))
    language = forms.CharField(
        max_length=40, initial="en", label=_("Language"), help_text=_("e.g. en, fr, en+fr")
    )
    seats = forms.IntegerField(min_value=1, label=_("Seats"))
    per_partner_cap = forms.IntegerField(
        min_value=1,
        required=False,
        label=_("Seats per partner"),
        help_text=_("Empty for no cap."),
    )
    mode = forms.ChoiceField(choices=Mode.choices, label=_("Seat allocation"))
    clearance = forms.ChoiceField(choices=Clearance.choices, label=_("Security clearance"))
    tuition_cost = forms.DecimalField(
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        initial=0,
        label=_("Tuition per seat"),
    )
    accommodation_cost = forms.DecimalField(
        min_value=Decimal(0),
        max_digits=10,
        decimal_places=2,
        initial=0,
        label=_("Accommodation per seat"),
    )
    eligibility = forms.ChoiceField(
        choices=Eligibility.choices,
        initial=Eligibility.ALL_PARTNERS,
        label=_("Who may nominate"),
        widget=forms.RadioSelect,
    )
    eligible_frameworks = forms.MultipleChoiceField(
        required=False, label=_("Frameworks"), widget=forms.CheckboxSelectMultiple
    )
    eligible_organizations = forms.MultipleChoiceField(
        required=False, label=_("Organizations"), widget=forms.CheckboxSelectMultiple
    )
    references = forms.CharField(
        required=False,
        label=_("External references"),
        help_text=_("One per line, as SYSTEM: REFERENCE (e.g. e-PRIME: 12345)."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # How the page groups the fields.
    SECTIONS: Sequence[tuple[Any, Sequence[str]]] = (
        (_("What"), ("title", "title_fr", "type", "nature", "host", "description",
                     "description_fr")),
        (_("Cooperation areas"), ("primary_area", "secondary_areas")),
        (_("When and where"), ("start", "end", "registration_deadline", "online", "country",
                               "city", "language")),
        (_("Seats and costs"), ("seats", "per_partner_cap", "mode", "clearance", "tuition_cost",
                                "accommodation_cost")),
        (_("Eligibility"), ("eligibility", "eligible_frameworks", "eligible_organizations")),
        (_("Identifiers"), ("code", "references")),
    )  # fmt: skip

    def __init__(
        self,
        data: Any = None,
        *,
        hosts: Iterable[Organization],
        areas: Iterable[CooperationArea],
        states: Iterable[Organization],
        frameworks: Iterable[Framework],
        partners: Iterable[Organization],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        areas = list(areas)
        grouped = area_choices(areas, whole_groups=False)
        self._choices("host", _organization_choices(hosts))
        self._choices("primary_area", [("", _("Choose an area")), *grouped])
        self._choices("secondary_areas", [(a.code, a.display_name) for a in areas if a.parent_id])
        self._choices("country", [("", _("None (online)")), *_organization_choices(states)])
        self._choices(
            "eligible_frameworks", [(fw.code, f"{fw.code} — {fw.name}") for fw in frameworks]
        )
        self._choices("eligible_organizations", _organization_choices(partners))

    def _choices(self, name: str, choices: Choices) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    @property
    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean_references(self) -> dict[str, str]:
        references: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["references"].splitlines(), start=1):
            if not line.strip():
                continue
            system, sep, reference = line.partition(":")
            if not sep or not system.strip() or not reference.strip():
                raise forms.ValidationError(
                    _("Line %(number)s, “%(line)s”: write SYSTEM: REFERENCE."),
                    params={"number": number, "line": line.strip()},
                )
            references[system.strip()] = reference.strip()
        return references

    def to_input(self) -> ActivityInput:
        """The valid form as the services' input (call after `is_valid()`)."""
        data = self.cleaned_data
        return ActivityInput(
            title=data["title"], title_fr=data["title_fr"], code=data["code"], type=data["type"],
            host=data["host"], nature=data["nature"], description=data["description"],
            description_fr=data["description_fr"], primary_area=data["primary_area"],
            secondary_areas=list(data["secondary_areas"]), start=data["start"], end=data["end"],
            registration_deadline=data["registration_deadline"], online=data["online"],
            country=data["country"] or "", city=data["city"], language=data["language"],
            seats=data["seats"], per_partner_cap=data["per_partner_cap"], mode=data["mode"],
            clearance=data["clearance"], tuition_cost=data["tuition_cost"],
            accommodation_cost=data["accommodation_cost"], eligibility=data["eligibility"],
            eligible_frameworks=list(data["eligible_frameworks"]),
            eligible_organizations=list(data["eligible_organizations"]),
            references=data["references"],
        )  # fmt: skip


def activity_initial(activity: Activity) -> dict[str, Any]:
    """The form's values for an existing activity."""
    return {
        "title": activity.title, "title_fr": activity.title_fr, "code": activity.code,
        "type": activity.type, "host": activity.host.code, "nature": activity.nature,
        "description": activity.description, "description_fr": activity.description_fr,
        "primary_area": activity.primary_area.code,
        "secondary_areas": [a.code for a in activity.secondary_areas.all()],
        "start": activity.start, "end": activity.end,
        "registration_deadline": activity.registration_deadline, "online": activity.online,
        "country": activity.country.code if activity.country else "", "city": activity.city,
        "language": activity.language, "seats": activity.seats,
        "per_partner_cap": activity.per_partner_cap, "mode": activity.mode,
        "clearance": activity.clearance, "tuition_cost": activity.tuition_cost,
        "accommodation_cost": activity.accommodation_cost,
        "eligibility": activity.eligibility,
        "eligible_frameworks": [fw.code for fw in activity.eligible_frameworks.all()],
        "eligible_organizations": [o.code for o in activity.eligible_organizations.all()],
        "references": "\n".join(f"{r.system}: {r.reference}" for r in activity.references.all()),
    }  # fmt: skip


# --- nominations, feedback, report ---------------------------------------------------------


class NominationForm(forms.Form):
    """A liaison's nomination of one participant."""

    name = forms.CharField(max_length=200, label=_("Participant's name"))
    email = forms.EmailField(required=False, label=_("E-mail"))
    rank = forms.CharField(max_length=80, required=False, label=_("Rank or title"))
    priority = forms.IntegerField(
        min_value=1,
        initial=1,
        label=_("Priority"),
        help_text=_("Your own rank: 1 is your first choice."),
    )
    programme_item = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label=_("Serves the programme's planned activity"),
        help_text=_("Which activity of your partnership programme this nomination delivers."),
    )

    def __init__(self, data: Any = None, *, items: Iterable[ProgrammeItem] = ()) -> None:
        super().__init__(data)
        choices = [(item.pk, programme_item_label(item)) for item in items]
        if choices:
            field = self.fields["programme_item"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", _("None of them")), *choices]
            # The one planned activity that names this very activity is the likely answer.
            named = [item.pk for item in items if item.activity_id is not None]
            if len(named) == 1:
                self.initial["programme_item"] = named[0]
        else:
            del self.fields["programme_item"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "programme_item" not in self.fields and self.data.get("programme_item"):
            raise forms.ValidationError(
                _("No planned activity of your partnership programme fits this activity.")
            )
        return data

    def participant(self) -> ParticipantInput:
        data = self.cleaned_data
        return ParticipantInput(name=data["name"], email=data["email"], rank=data["rank"])

    def item_id(self) -> int | None:
        """The chosen planned activity of the partner's programme, if any."""
        value = self.cleaned_data.get("programme_item")
        return int(value) if value is not None else None


def programme_item_label(item: ProgrammeItem) -> str:
    """A planned activity as its programme, objective and what is planned."""
    programme = item.programme
    what = (
        _("this activity")
        if item.activity_id is not None
        else _("%(type)s in %(area)s, %(year)s")
        % {
            "type": ActivityType(item.activity_type).label
            if item.activity_type in ActivityType.values
            else _("An activity"),
            "area": item.area.display_name if item.area is not None else "?",
            "year": item.year,
        }
    )
    cycle = f"{programme.cycle_start}-{programme.cycle_end}"
    return f"{programme.type} {cycle} · {item.objective.title} · {what}"


RATINGS = [(n, str(n)) for n in range(1, 6)]


class FeedbackForm(forms.Form):
    """A participant's ratings (1 poor to 5 excellent), entered by the partner's liaison."""

    relevance = forms.TypedChoiceField(
        choices=RATINGS, coerce=int, label=_("Relevance"), widget=forms.RadioSelect
    )
    quality = forms.TypedChoiceField(
        choices=RATINGS, coerce=int, label=_("Quality"), widget=forms.RadioSelect
    )
    applicability = forms.TypedChoiceField(
        choices=RATINGS, coerce=int, label=_("Applicability"), widget=forms.RadioSelect
    )
    comments = forms.CharField(
        required=False, label=_("Comments"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def to_input(self) -> FeedbackInput:
        data = self.cleaned_data
        return FeedbackInput(
            relevance=data["relevance"],
            quality=data["quality"],
            applicability=data["applicability"],
            comments=data["comments"],
        )


class ReportForm(forms.Form):
    """The host's after-action report."""

    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}))
    lessons = forms.CharField(
        required=False, label=_("Lessons identified"), widget=forms.Textarea(attrs={"rows": 4})
    )
    recommendations = forms.CharField(
        required=False, label=_("Recommendations"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            summary=data["summary"],
            lessons=data["lessons"],
            recommendations=data["recommendations"],
        )


def add_service_errors(form: forms.Form, details: Any, message: str) -> None:
    """Put each of a service's `Invalid.details` on the form field it names; when a detail
    names no field of the form (or there are none), the service's message goes on the form
    as a whole."""
    unplaced = not isinstance(details, dict) or not details
    for name, reason in details.items() if isinstance(details, dict) else ():
        field = str(name).removeprefix("participant.")
        if field in form.fields:
            form.add_error(field, str(reason))
        else:
            unplaced = True
    if unplaced:
        form.add_error(None, message)


class NominationFilterForm(forms.Form):
    """Filters of the nominations page: state and the year the activity starts in."""

    state = forms.ChoiceField(required=False, label=_("State"))
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=_("Year"))

    def __init__(self, data: Any, *, today: date) -> None:
        super().__init__(data or None)
        state = self.fields["state"]
        assert isinstance(state, forms.ChoiceField)
        state.choices = [("", _("Any state")), *NominationState.choices]
        year = self.fields["year"]
        assert isinstance(year, forms.ChoiceField)
        years = range(today.year + 1, today.year - 10, -1)
        year.choices = [("", _("Any year")), *((y, str(y)) for y in years)]

    def values(self) -> tuple[str | None, int | None]:
        """(state, year), each None when absent or rejected."""
        if not self.is_bound:
            return None, None
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("state") or None, data.get("year")

    def error_messages(self) -> list[str]:
        if not self.is_bound:
            return []
        return [
            f"{self.fields[name].label}: {message}"
            for name, errors in self.errors.items()
            for message in errors
        ]
