from collections.abc import Callable

import pytest

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.accounts.personal_data import can_view_personal_data, pseudonym
from coopsec.network.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def ids() -> dict[str, int]:
    return {c: Organization.objects.get(code=c).pk for c in ("GEO", "JOR", "PTEC-AUT-AUTINT")}


@pytest.mark.parametrize(
    ("role", "org", "expected"),
    [
        (R.COORDINATOR, "NATO", True),
        (R.PARTNER_LIAISON, "GEO", True),  # the nominating partner
        (R.PARTNER_LIAISON, "JOR", False),  # another partner
        (R.INSTITUTION_MANAGER, "PTEC-AUT-AUTINT", True),  # the host
        (R.ANALYST, "NATO", False),
        (R.AUDITOR, "NATO", False),
        (R.ADMIN, "NATO", False),
        (R.ANALYST, "GEO", False),  # the partner's organization, but not its liaison
        (R.ANALYST, "PTEC-AUT-AUTINT", False),  # the host's organization, but not a manager
    ],
)
def test_who_sees_a_participant_of_georgia_at_an_autint_course(
    make_user: Callable[..., User], ids: dict[str, int], role: str, org: str, expected: bool
) -> None:
    actor = Actor.from_user(make_user(role, org))
    assert (
        can_view_personal_data(actor, partner_id=ids["GEO"], host_id=ids["PTEC-AUT-AUTINT"])
        is expected
    )


def test_pseudonyms_are_stable_distinct_and_keyed(settings: object) -> None:
    first = pseudonym("participant", 42)
    assert first == pseudonym("participant", 42)
    assert first != pseudonym("participant", 43)
    assert first.startswith("P-") and len(first) == 12
    settings.SECRET_KEY = "another deployment's key " * 3  # type: ignore[attr-defined]
    assert pseudonym("participant", 42) != first
