"""Settings for pytest: the ordinary settings in the ``test`` environment (fast hashing), with a
namespace of this run's own on the shared Redis.

Two runs on one machine (two engineers, or the parallel workers of `make test-fast`) must not disturb
each other: a worker of one run would take another run's tasks and run them against its own test
database, and one run's cache clearing would empty another's throttle counters and sessions. So each run
has an id (NRM_TEST_RUN, inherited by the processes its tests start) and each pytest-xdist worker of the
run a cache key prefix and a Celery queue of its own, ``nrm-test-<run>-<worker>``; tests/conftest.py
removes the namespace's keys, messages and unacked entries at the end of the run. CACHE_KEY_PREFIX and
CELERY_QUEUE from the shell are ignored here (a test run must never clear a service's cache); a Celery
worker process a test starts is given its queue in NRM_TEST_QUEUE."""

import os
import uuid

os.environ.setdefault("NRM_ENVIRONMENT", "test")
TEST_RUN_ID = os.environ.setdefault("NRM_TEST_RUN", uuid.uuid4().hex[:12])
TEST_NAMESPACE = f"nrm-test-{TEST_RUN_ID}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"

from nrm.settings import *  # noqa: E402, F403

CACHES["default"]["KEY_PREFIX"] = TEST_NAMESPACE  # noqa: F405
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("NRM_TEST_QUEUE") or TEST_NAMESPACE
