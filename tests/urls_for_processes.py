"""Connection URLs for processes the tests start (Celery workers, commands), pointing at this
test run's own database: a TCP host, or the embedded server's socket directory."""

from __future__ import annotations

from urllib.parse import quote


def database_url(settings_dict: dict, name: str | None = None) -> str:
    options = settings_dict.get("OPTIONS") or {}
    host = settings_dict["HOST"] or options.get("host") or "127.0.0.1"
    user, port = settings_dict["USER"] or "postgres", settings_dict["PORT"] or options.get("port")
    name = name or settings_dict["NAME"]
    if str(host).startswith("/"):
        return f"postgres://{user}@/{name}?host={quote(str(host))}" + (f"&port={port}" if port else "")
    return f"postgres://{user}@{host}:{port or 5432}/{name}"
