"""The Celery app: JSON messages, late acks, one task at a time per worker process.

Messages carry record ids only, never personal data. The periodic schedule lives in
nrm/schedule.py and is written to django-celery-beat's tables by `sync_schedule`.
"""

import contextlib
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

from core import logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrm.settings")

app = Celery("nrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _bind_task_to_logs(task_id=None, task=None, **kwargs) -> None:
    """Every log record of a task carries its id and name (core/logs.py)."""
    task.request.nrm_log_token = logs.bind(task_id=task_id, task=task.name)


@task_postrun.connect
def _unbind_task_from_logs(task_id=None, task=None, **kwargs) -> None:
    token = getattr(task.request, "nrm_log_token", None)
    if token is not None:
        with contextlib.suppress(ValueError):  # bound in another context: nothing to undo
            logs.unbind(token)
