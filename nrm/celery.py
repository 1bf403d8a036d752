"""The Celery app: JSON messages, late acks, one task at a time per worker process.

Messages carry record ids only, never personal data. The periodic schedule lives in
nrm/schedule.py and is written to django-celery-beat's tables by `sync_schedule`.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nrm.settings")

app = Celery("nrm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
