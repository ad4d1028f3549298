"""The audit trail is append-only and hash-chained: `coopsec audit verify` detects an altered,
deleted or inserted event, and the application itself cannot rewrite history."""

from __future__ import annotations

import itertools
import re
import secrets
import threading
from collections.abc import Callable
from io import StringIO

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client, RequestFactory

from coopsec.accounts import roles as R
from coopsec.accounts.actor import Actor
from coopsec.accounts.models import User
from coopsec.audit.models import AuditEvent, AuditHead
from coopsec.audit.services import audit_record
from coopsec.audit.verify import verify_chain

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table
COLUMNS = (
    "seq, created_at, actor_user_id, actor_username, organization_code, action, "
    "object_type, object_id, summary, request_id, prev_hash, hash"
)


def verify_output() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def record(n: int, action: str = "test.event") -> list[AuditEvent]:
    return [
        audit_record(
            actor=Actor.system(),
            action=action,
            object_type="thing",
            object_id=i,
            summary={"number": i, "note": f"event {i}", "tags": ["a", "b"]},
        )
        for i in range(n)
    ]


@pytest.fixture
def chain() -> list[AuditEvent]:
    """Five fresh events appended to whatever the test database already holds."""
    return record(5)


def run_sql(sql: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def copy_event_sql(*, source_seq: int, seq: int, action: str, prev_hash: str, hash_: str) -> None:
    """Insert, behind the application's back, a copy of one event with new chain fields."""
    run_sql(
        f"INSERT INTO {TABLE} ({COLUMNS}) "
        "SELECT %s, created_at, actor_user_id, actor_username, organization_code, %s, "
        "object_type, object_id, summary, request_id, %s, %s "
        f"FROM {TABLE} WHERE seq = %s",
        [seq, action, prev_hash, hash_, source_seq],
    )


def forged_hash(*, source_seq: int, seq: int, action: str, prev_hash: str) -> str:
    """The hash a forger with the source code would compute for such a copy."""
    event = AuditEvent.objects.get(seq=source_seq)
    event.seq, event.action, event.prev_hash = seq, action, prev_hash
    return event.compute_hash()


def assert_broken_at(seq: int, problem: str) -> None:
    report = verify_chain()
    assert not report.ok
    assert report.seq == seq, report.problem
    assert f"#{seq}" in report.problem
    assert problem in report.problem
    with pytest.raises(CommandError, match=r"Audit chain BROKEN") as exc:
        call_command("audit", "verify", stdout=StringIO())
    assert re.search(rf"#{seq}\b", str(exc.value)), exc.value
    assert problem in str(exc.value)


# --- an intact chain -------------------------------------------------------------------------


def test_fresh_database_verifies() -> None:
    report = verify_chain()
    assert report.ok, report.problem
    assert "Audit chain intact" in verify_output()


def test_appended_events_verify_and_are_counted() -> None:
    before = verify_chain().events
    events = record(7)
    assert [e.seq for e in events] == list(range(before + 1, before + 8))
    report = verify_chain()
    assert report.ok, report.problem
    assert report.events == before + 7 == AuditEvent.objects.count()
    assert f"Audit chain intact: {before + 7} events verified." in verify_output()
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)


def test_each_event_links_to_the_one_before(chain: list[AuditEvent]) -> None:
    for earlier, later in itertools.pairwise(chain):
        assert later.prev_hash == earlier.hash
        assert later.seq == earlier.seq + 1
    stored = AuditEvent.objects.get(seq=chain[2].seq)
    assert stored.compute_hash() == stored.hash == chain[2].hash


def test_event_records_actor_and_organization(make_user: Callable[..., User]) -> None:
    admin = make_user(R.ADMIN, "NATO")
    event = audit_record(actor=Actor.from_user(admin), action="test.who", object_id=42)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_user_id == admin.pk
    assert stored.actor_username == admin.username
    assert stored.organization_code == "NATO"
    assert stored.object_id == "42"
    assert verify_chain().ok


def test_summary_values_that_json_cannot_hold_are_stored_as_text() -> None:
    from datetime import date
    from decimal import Decimal

    event = audit_record(
        actor=Actor.system(),
        action="test.types",
        summary={"day": date(2026, 1, 2), "amount": Decimal("1.50"), "set": {"x"}, 3: None},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.summary == {"day": "2026-01-02", "amount": "1.50", "set": ["x"], "3": None}
    assert verify_chain().ok


@pytest.mark.parametrize(
    "value",
    [1e20, 1e16, -0.0, 0.1, 1.5e-7, 2**60, float("nan"), float("inf"), "a\x00b", {"k\x00": [1.0]}],
    ids=repr,
)
def test_awkward_summary_values_still_verify(value: object) -> None:
    """Numbers that PostgreSQL's jsonb rewrites (1e16 comes back as an integer) or refuses
    (NaN, NUL characters) must neither break the chain nor fail the audited write."""
    audit_record(
        actor=Actor.system(), action="test.awkward", object_id="x\x00", summary={"v": value}
    )
    report = verify_chain()
    assert report.ok, report.problem


# --- tampering is detected -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [("action", "user.create"), ("summary", '{"username": "someone-else"}')],
)
def test_altered_event_is_named(chain: list[AuditEvent], column: str, value: str) -> None:
    target = chain[1].seq
    run_sql(f"UPDATE {TABLE} SET {column} = %s WHERE seq = %s", [value, target])
    assert_broken_at(target, "altered")


def test_altered_time_is_detected(chain: list[AuditEvent]) -> None:
    target = chain[2].seq
    stored = AuditEvent.objects.get(seq=target)
    earlier = connection.ops.adapt_datetimefield_value(
        stored.created_at.replace(year=stored.created_at.year - 1)
    )
    run_sql(f"UPDATE {TABLE} SET created_at = %s WHERE seq = %s", [earlier, target])
    assert_broken_at(target, "altered")


def test_altered_event_with_recomputed_hash_breaks_the_next_link(
    chain: list[AuditEvent],
) -> None:
    """Recomputing the altered event's own hash does not help: the next event still links to
    the old one."""
    target = chain[1].seq
    event = AuditEvent.objects.get(seq=target)
    event.action = "user.disable"
    run_sql(
        f"UPDATE {TABLE} SET action = %s, hash = %s WHERE seq = %s",
        [event.action, event.compute_hash(), target],
    )
    assert_broken_at(target + 1, "does not link")


def test_deleted_middle_event_is_named(chain: list[AuditEvent]) -> None:
    target = chain[2].seq
    run_sql(f"DELETE FROM {TABLE} WHERE seq = %s", [target])
    assert_broken_at(target, "missing")


def test_event_appended_out_of_chain_with_made_up_hash(chain: list[AuditEvent]) -> None:
    last = chain[-1]
    copy_event_sql(
        source_seq=last.seq,
        seq=last.seq + 1,
        action="user.create",
        prev_hash=last.hash,
        hash_=secrets.token_hex(32),
    )
    assert_broken_at(last.seq + 1, "altered")


def test_event_inserted_in_the_middle_with_wrong_link(chain: list[AuditEvent]) -> None:
    """A forger renumbers the later events and slots in one whose hash is computed correctly,
    but cannot reuse the link that the displaced event already holds."""
    target = chain[2].seq
    # Two steps so that no statement collides with the unique sequence numbers.
    run_sql(f"UPDATE {TABLE} SET seq = seq + 1000000 WHERE seq >= %s", [target])
    run_sql(f"UPDATE {TABLE} SET seq = seq - 999999 WHERE seq >= %s", [target])
    made_up_link = secrets.token_hex(32)
    copy_event_sql(
        source_seq=target - 1,
        seq=target,
        action="user.create",
        prev_hash=made_up_link,
        hash_=forged_hash(
            source_seq=target - 1, seq=target, action="user.create", prev_hash=made_up_link
        ),
    )
    assert_broken_at(target, "does not link")


def test_correctly_chained_event_appended_behind_the_head(chain: list[AuditEvent]) -> None:
    """An event with a valid hash and link, written without the application, is still caught:
    the head row does not record it."""
    last = chain[-1]
    copy_event_sql(
        source_seq=last.seq,
        seq=last.seq + 1,
        action="user.create",
        prev_hash=last.hash,
        hash_=forged_hash(
            source_seq=last.seq, seq=last.seq + 1, action="user.create", prev_hash=last.hash
        ),
    )
    assert_broken_at(last.seq + 1, "not recorded by the head")


def test_deleted_newest_events_are_detected_by_the_head(chain: list[AuditEvent]) -> None:
    survivor = chain[-3]
    run_sql(f"DELETE FROM {TABLE} WHERE seq > %s", [survivor.seq])
    assert_broken_at(survivor.seq + 1, "missing: the head records")


def test_every_event_deleted_is_detected(chain: list[AuditEvent]) -> None:
    run_sql(f"DELETE FROM {TABLE}")
    assert_broken_at(1, "missing: the head records")


def test_verify_exits_non_zero_from_the_command_line(chain: list[AuditEvent]) -> None:
    run_sql(f"UPDATE {TABLE} SET action = 'x' WHERE seq = %s", [chain[0].seq])
    with pytest.raises(SystemExit) as exc:
        from django.core.management import ManagementUtility

        ManagementUtility(["coopsec", "audit", "verify"]).execute()
    assert exc.value.code == 1


# --- the application cannot rewrite history --------------------------------------------------


def test_saving_an_existing_event_is_refused(chain: list[AuditEvent]) -> None:
    event = AuditEvent.objects.get(seq=chain[0].seq)
    event.action = "something.else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.save(update_fields=["action"])
    assert AuditEvent.objects.get(seq=chain[0].seq).action == "test.event"


def test_deleting_events_is_refused(chain: list[AuditEvent]) -> None:
    count = AuditEvent.objects.count()
    with pytest.raises(PermissionError):
        AuditEvent.objects.get(seq=chain[0].seq).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(seq=chain[0].seq).delete()
    assert AuditEvent.objects.count() == count
    assert verify_chain().ok


def test_updating_events_in_bulk_is_refused(chain: list[AuditEvent]) -> None:
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(seq=chain[0].seq).update(summary={})
    event = AuditEvent.objects.get(seq=chain[1].seq)
    event.action = "rewritten"
    # bulk_update runs in its own atomic block; the savepoint keeps the test's usable.
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["action"])
    assert not AuditEvent.objects.filter(action="rewritten").exists()
    assert verify_chain().ok


def test_admin_is_read_only_even_for_a_superuser(chain: list[AuditEvent]) -> None:
    superuser = User.objects.create_superuser("root-audit", password="x-not-used-x")
    model_admin = admin_site._registry[AuditEvent]
    request = RequestFactory().get("/admin/audit/auditevent/")
    request.user = superuser
    event = AuditEvent.objects.get(seq=chain[0].seq)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert model_admin.has_view_permission(request, event)
    assert AuditHead not in admin_site._registry

    client = Client()
    client.force_login(superuser)
    base = "/admin/audit/auditevent/"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}{event.pk}/change/").status_code == 200
    assert client.post(f"{base}{event.pk}/change/", {"action": "forged"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    assert client.post(f"{base}{event.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(
        base, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"
    assert verify_chain().ok


def test_replaced_newest_event_is_detected_by_the_head_hash(chain: list[AuditEvent]) -> None:
    """Swapping the newest event for a correctly chained forgery leaves the head's hash
    pointing at the original."""
    last, before = chain[-1], chain[-2]
    run_sql(f"DELETE FROM {TABLE} WHERE seq = %s", [last.seq])
    copy_event_sql(
        source_seq=before.seq,
        seq=last.seq,
        action="user.create",
        prev_hash=before.hash,
        hash_=forged_hash(
            source_seq=before.seq, seq=last.seq, action="user.create", prev_hash=before.hash
        ),
    )
    assert_broken_at(last.seq, "head's hash does not match")


# --- concurrent appends ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_chain(reference: None) -> None:
    threads_n, per_thread = 8, 10
    before = AuditEvent.objects.count()
    start = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def append(thread: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                audit_record(
                    actor=Actor.system(),
                    action="test.concurrent",
                    object_id=f"{thread}-{i}",
                    summary={"thread": thread, "i": i},
                )
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=append, args=(t,)) for t in range(threads_n)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert AuditEvent.objects.filter(action="test.concurrent").count() == threads_n * per_thread
    report = verify_chain()
    assert report.ok, report.problem
    assert report.events == before + threads_n * per_thread
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
