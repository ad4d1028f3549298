"""The planning's tasks: executing an allocation run and applying one (`coopsec db-worker`
runs them)."""

from __future__ import annotations

from django_tasks import task

from coopsec.planning import services


@task()
def run_execute(run_id: int) -> None:
    """Execute allocation run `run_id` (planning.services.run_execute)."""
    services.run_execute(run_id)


@task()
def run_apply(run_id: int, user_id: int | None, language: str) -> None:
    """Apply allocation run `run_id` as user `user_id` (planning.services.run_apply_execute),
    its refusals in `language`."""
    services.run_apply_execute(run_id, user_id=user_id, language=language)
