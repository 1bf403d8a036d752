"""Settings for pytest: the ordinary settings in the ``test`` environment (fast hashing)."""

import os
import uuid

os.environ.setdefault("NRM_ENVIRONMENT", "test")
# A queue of this test run's own: two runs on one Redis must not take each other's tasks (a worker of
# one run would run them against its own test database).
os.environ.setdefault("CELERY_QUEUE", f"nrm-test-{uuid.uuid4().hex[:12]}")

from nrm.settings import *  # noqa: F403
