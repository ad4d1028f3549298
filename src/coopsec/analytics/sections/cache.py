"""The heavy sections' answers, kept per data version (issue 6, "Performance": "cache them
per data version if needed, never serve stale numbers after a write").

Ten years of nominations take a second or more to group on a two-core machine, whatever the
query (docs/PERFORMANCE.md, "Analytics"); the same answer is asked for again and again
between writes (the pages, the API, the reports). So an answer is kept under a key made of
everything it depends on: the section, the reader (user, organization, roles), the filters
and parameters, the analytics settings, the definitions' version, and the *data version*.

The data version moves with every write:

- every service write appends to the audit trail inside its own transaction, and appends
  are serialized (`audit.services`), so the chain's head (sequence number and hash) changes
  when, and in the order that, the writes commit;
- the Django admin, the one writer that does not go through the services, records each of
  its changes in its log inside the change's transaction: the log's size and newest entry.

The version is read *before* the answer is computed, so an answer is never older than the
version it is kept under (a write committing in between can only make it newer). The hash
tells two histories apart that reached the same sequence number (a database restored).
Nothing is kept inside a transaction, where uncommitted writes may be counted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.db import connection

from coopsec.accounts.actor import Actor
from coopsec.analytics.sections.base import DEFINITIONS_VERSION
from coopsec.audit.models import AuditHead

T = TypeVar("T")

# Answers of versions gone by are never asked for again; they need not outlive an hour.
TIMEOUT_SECONDS = 60 * 60
_MISSING = object()


def data_version() -> str:
    """The version of the data every section reads: the audit chain's head and the admin
    log's size and newest entry, in one query (the sections' query counts are budgeted)."""
    quote = connection.ops.quote_name
    head, log = quote(AuditHead._meta.db_table), quote(LogEntry._meta.db_table)
    # Table names come from the models, not from input.
    sql = (
        f"SELECT (SELECT seq FROM {head} WHERE id = 1), (SELECT hash FROM {head} WHERE id = 1),"  # noqa: S608
        f" (SELECT COUNT(*) FROM {log}), (SELECT MAX(action_time) FROM {log})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return "|".join(str(value) for value in cursor.fetchone())


def kept(section: str, *, actor: Actor, arguments: object, compute: Callable[[], T]) -> T:
    """The answer `compute()` gives for the current data, computed once per data version
    (every time inside a transaction).

    `arguments` (the filters and any parameters) and the actor must be all the answer
    depends on besides the data, the analytics settings and the definitions' version.
    """
    if connection.in_atomic_block:
        # Inside a transaction the answer may count writes not committed yet (or never to
        # be, and a test's rolled-back history comes back under the same version).
        return compute()
    version = data_version()
    key = _key(section, actor, arguments, version)
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        found = compute()
        cache.set(key, found, TIMEOUT_SECONDS)
    return found


def _key(section: str, actor: Actor, arguments: object, version: str) -> str:
    reader = (
        actor.user.pk if actor.user is not None else None,
        actor.organization_id,
        sorted(actor.roles),
    )
    conf = sorted(settings.COOPSEC_ANALYTICS.items())
    text = repr((section, DEFINITIONS_VERSION, version, reader, conf, arguments))
    return f"coopsec:analytics:{section}:{hashlib.sha256(text.encode()).hexdigest()}"
