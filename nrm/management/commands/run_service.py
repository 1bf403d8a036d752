"""Run the web server, a Celery worker and Celery beat together; Ctrl-C stops all three."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the service with its Celery worker and scheduler until interrupted."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")

    def handle(self, *args, bind: str, workers: int, **options) -> None:
        python = sys.executable
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "nrm.settings"}
        commands = {
            # gunicorn.conf.py: JSON logs; the access log is the application's (core.middleware).
            "web": [python, "-m", "gunicorn", "nrm.wsgi:application", "--bind", bind, "--workers", str(workers)],
            "worker": [python, "-m", "celery", "-A", "nrm", "worker", "--loglevel", "INFO", "--concurrency", "2"],
            "beat": [python, "-m", "celery", "-A", "nrm", "beat", "--loglevel", "INFO"],
        }
        children = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}  # noqa: S603
        self.stdout.write(self.style.SUCCESS(f"\nThe NRM service is running at http://{bind}/ (Ctrl-C stops it)."))
        self.stdout.write("Sign in as any demo account (see README) with password nrm-demo-password;")
        self.stdout.write("`make totp` prints the current six-digit code.\n")
        stopping = False

        def stop(*_args) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        self.stderr.write(f"{name} exited with code {child.returncode}; stopping the others.")
                        stopping = True
                time.sleep(0.5)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for child in children.values():
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
            self.stdout.write("Stopped web server, worker and beat.")

