"""gunicorn's settings for every way the service is run (the Dockerfile, docker-compose, bench/load.py):
gunicorn reads this file from the working directory.

Threaded workers: a sync worker serves one connection at a time and waits on it while the client is
slow to send its request (a browser on a poor connection, a keep-alive connection between pages), so
a handful of slow clients stall the service. A gthread worker's threads each take a connection, and
while one waits on the network or the database the others run. Processes scale with cores
(WEB_CONCURRENCY), threads with how much of a request is waiting (GUNICORN_THREADS)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
keepalive = 5
# Access log without query strings: they could carry what someone searched for.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(M)sms'
