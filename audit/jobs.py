"""pghistory context for Celery jobs, so changes made by a job are attributed to it."""

from __future__ import annotations

from typing import Any

import pghistory
from celery.signals import task_postrun, task_prerun

_open_contexts: dict[str, Any] = {}


@task_prerun.connect
def _enter_job_context(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    context = pghistory.context(job=getattr(task, "name", "unknown"), job_id=task_id)
    context.__enter__()
    _open_contexts[task_id or ""] = context


@task_postrun.connect
def _exit_job_context(task_id: str | None = None, **kwargs: Any) -> None:
    context = _open_contexts.pop(task_id or "", None)
    if context is not None:
        context.__exit__(None, None, None)
