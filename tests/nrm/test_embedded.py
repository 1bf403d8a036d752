"""The embedded servers a fresh machine gets when DATABASE_URL / REDIS_URL are unset."""

from __future__ import annotations

import psycopg2
import redis

from nrm.embedded import embedded_postgres_url, embedded_redis_url, stop_embedded_servers


def test_embedded_postgres_and_redis_start_answer_are_reused_and_stop(tmp_path):
    data_dir = tmp_path / "var"
    try:
        database_url = embedded_postgres_url(data_dir)
        redis_url = embedded_redis_url(data_dir)
        host = database_url.split("host=", 1)[1]
        with psycopg2.connect(dbname="postgres", user="postgres", host=host) as connection, connection.cursor() as cur:
            cur.execute("SHOW server_version_num")
            assert int(cur.fetchone()[0]) >= 160000
        client = redis.Redis.from_url(redis_url)
        assert client.ping()
        client.set("embedded-check", "1")
        # A second caller (worker, beat, a management command) gets the same servers.
        assert embedded_postgres_url(data_dir) == database_url
        assert embedded_redis_url(data_dir) == redis_url
        assert redis.Redis.from_url(redis_url).get("embedded-check") == b"1"
    finally:
        stopped = stop_embedded_servers(data_dir)
    assert set(stopped) == {"postgres", "redis"}
    assert stop_embedded_servers(data_dir) == []
