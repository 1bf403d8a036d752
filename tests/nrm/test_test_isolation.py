"""The test runs' own isolation (nrm/settings_test.py, tests/conftest.py): a namespace per run and
pytest-xdist worker, and the end-of-run purge that removes that namespace, and nothing else, from Redis."""

from __future__ import annotations

import json
import os
import uuid

from django.conf import settings
from django.core.cache import cache

from nrm.celery import app
from tests.conftest import purge_test_namespace


def test_the_cache_prefix_and_queue_are_this_run_and_workers_own():
    namespace = f"nrm-test-{os.environ['NRM_TEST_RUN']}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    assert namespace == settings.TEST_NAMESPACE
    assert settings.CACHES["default"]["KEY_PREFIX"] == namespace
    assert app.conf.task_default_queue == namespace


def test_the_purge_removes_a_namespace_and_leaves_its_neighbours():
    """Cache keys, queued messages (priority queues too), bindings and unacked entries of `…-gw1` go;
    those of `…-gw10` (whose name starts with `…-gw1`) and of another run stay."""
    run = uuid.uuid4().hex[:12]
    ours, neighbour, other_run = f"nrm-test-{run}-gw1", f"nrm-test-{run}-gw10", f"nrm-test-{uuid.uuid4().hex[:12]}-gw1"
    client = cache._cache.get_client()
    with app.connection_for_write() as connection:
        broker = connection.default_channel.client
        tags = {}
        for namespace in (ours, neighbour, other_run):
            client.set(f"{namespace}:1:throttle", "1")
            broker.lpush(namespace, "message")
            broker.lpush(f"{namespace}\x06\x163", "priority message")
            broker.lpush(f"{namespace}-processes-abc", "message")
            broker.sadd(f"_kombu.binding.{namespace}", f"{namespace}\x06\x16\x06\x16{namespace}")
            broker.sadd(f"_kombu.binding_permanent.{namespace}", f"{namespace}\x06\x16\x06\x16{namespace}")
            tags[namespace] = str(uuid.uuid4())
            broker.hset("unacked", tags[namespace], json.dumps([{"body": "x"}, namespace, namespace]))
            broker.zadd("unacked_index", {tags[namespace]: 1.0})
        try:
            removed = purge_test_namespace(ours)
            assert removed == {"cache keys": 1, "queues": 3, "bindings": 2, "unacked": 1}
            for namespace in (neighbour, other_run):
                assert client.get(f"{namespace}:1:throttle") == b"1"
                assert broker.llen(namespace) == broker.llen(f"{namespace}-processes-abc") == 1
                assert broker.exists(f"_kombu.binding.{namespace}") and broker.hexists("unacked", tags[namespace])
            assert not broker.hexists("unacked", tags[ours]) and broker.zscore("unacked_index", tags[ours]) is None
            assert not broker.exists(ours, f"{ours}\x06\x163", f"{ours}-processes-abc", f"_kombu.binding.{ours}",
                                     f"_kombu.binding_permanent.{ours}")
        finally:
            for namespace in (neighbour, other_run):
                purge_test_namespace(namespace)
