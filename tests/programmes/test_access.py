"""For every role, the programmes' read rule (`visible_to`) and the per-object predicate
(`can_view_partner`) agree, and a partner sees only its own."""

from __future__ import annotations

import pytest

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.programmes.access import can_view_partner
from coopsec.programmes.models import Assessment, InterestVersion, Objective, Programme
from tests.activities.factories import coordinator, liaison, user
from tests.programmes.factories import agreed_programme, assess, interests

pytestmark = pytest.mark.django_db

ROLES = {
    R.COORDINATOR: "NATO", R.ANALYST: "NATO", R.AUDITOR: "NATO", R.ADMIN: "NATO",
    R.PARTNER_LIAISON: "GEO", R.INSTITUTION_MANAGER: "PTEC-AUT-AUTINT",
}  # fmt: skip


@pytest.fixture
def both_sides(reference: None) -> list[Programme]:
    made = []
    for code in ("GEO", "JOR"):
        who = liaison(code)
        interests(who, {"cyber_defence": 4})
        interests(coordinator(), {"cyber_defence": 2}, partner=code)
        programme = agreed_programme(who)
        assess(who, programme.objectives.get())
        made.append(programme)
    return made


@pytest.mark.parametrize("role", list(ROLES))
def test_visible_to_and_can_view_agree(role: str, both_sides: list[Programme]) -> None:
    actor = Actor.from_user(user(role, ROLES[role]))
    for programme in both_sides:
        visible = Programme.objects.visible_to(actor).filter(pk=programme.pk).exists()
        assert visible == can_view_partner(actor, programme.partner), programme.partner.code
        goals = Objective.objects.visible_to(actor).filter(programme=programme).exists()
        assert goals == visible
        versions = InterestVersion.objects.visible_to(actor).filter(partner=programme.partner)
        assert versions.exists() == visible


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (R.COORDINATOR, {"GEO", "JOR"}), (R.ANALYST, {"GEO", "JOR"}),
        (R.AUDITOR, {"GEO", "JOR"}), (R.ADMIN, {"GEO", "JOR"}),
        (R.PARTNER_LIAISON, {"GEO"}), (R.INSTITUTION_MANAGER, set()),
    ],
)  # fmt: skip
def test_who_sees_which_partners_programmes(
    role: str, expected: set[str], both_sides: list[Programme]
) -> None:
    actor = Actor.from_user(user(role, ROLES[role]))
    seen = set(Programme.objects.visible_to(actor).values_list("partner__code", flat=True))
    assert seen == expected
    assert Assessment.objects.count() == 2
