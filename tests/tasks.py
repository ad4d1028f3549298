"""Running queued tasks in a test, as `coopsec db-worker` runs them.

The worker's own loop closes the database connections between tasks (which would close a
test's in-memory SQLite database), so tests claim each ready task and hand it to the same
worker's `run_task`: the database backend's path, without the loop.
"""

from __future__ import annotations

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

WORKER_ID = "tests"


def run_tasks() -> int:
    """Run every ready task once, oldest first; answers how many ran."""
    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id=WORKER_ID, excluded_queue_names=[],
    )  # fmt: skip
    ran = 0
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim(WORKER_ID)
        worker.run_task(result)
        ran += 1
    return ran
