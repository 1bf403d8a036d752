"""Stand-ins for a dependency that is down: a closed local port (every connection refused) and a local
socket that accepts connections and never answers (a hung server: the worst case for timeouts)."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest

from nrm.celery import app


def closed_port() -> int:
    """A local port nothing listens on: bound once to get a free number, then closed."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def hung_server() -> Iterator[int]:
    """A port that accepts every connection and never sends a byte; yields the port number."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    listener.settimeout(0.1)
    stop = threading.Event()
    accepted: list[socket.socket] = []

    def accept_forever() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            accepted.append(connection)  # held open, never read from or written to

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        for connection in accepted:
            connection.close()
        listener.close()


def redis_caches(settings, url: str) -> dict:
    """The project's CACHES with Redis at `url` (same backend, timeouts and prefix)."""
    caches = {alias: {**config} for alias, config in settings.CACHES.items()}
    caches["default"]["LOCATION"] = url
    return caches


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: greets, accepts every command, keeps each message."""

    def handle(self) -> None:
        self.wfile.write(b"220 test.invalid ESMTP\r\n")
        while line := self.rfile.readline():
            command = line[:4].upper()
            if command == b"DATA":
                self.wfile.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                lines = []
                while (data := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data)
                self.server.messages.append(b"".join(lines).decode(errors="replace"))  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 test.invalid\r\n")


@contextlib.contextmanager
def mail_server(port: int) -> Iterator[list[str]]:
    """A mail server on `port` (say one that was closed a moment ago); yields the messages it receives."""
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), _SMTPHandler)
    server.daemon_threads = True
    server.messages = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.messages  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(params=["closed", "hung"])
def redis_away(request, settings):
    """Point the cache and the Celery broker at a dead Redis; yields a function that brings it back."""
    working_cache, working_broker = settings.CACHES, app.conf.broker_url
    with contextlib.ExitStack() as stack:
        port = closed_port() if request.param == "closed" else stack.enter_context(hung_server())
        dead = f"redis://127.0.0.1:{port}/0"
        settings.CACHES = redis_caches(settings, dead)
        app.conf.broker_url = dead

        def back() -> None:
            settings.CACHES = working_cache
            app.conf.broker_url = working_broker

        try:
            yield back
        finally:
            back()
