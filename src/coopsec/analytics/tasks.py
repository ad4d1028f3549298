"""The analytics' task: building a requested report (`coopsec db-worker` runs it)."""

from __future__ import annotations

from django_tasks import task

from coopsec.analytics import services


@task()
def report_build(report_id: int) -> None:
    """Build report `report_id` (analytics.services.report_build)."""
    services.report_build(report_id)
