# The two commands a newcomer needs: `make run` and `make test`. Everything else is what they call.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test install lint totp stop-embedded clean audit

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

APPS := audit decisions monitoring nrm organisations referrals reminders victim_care

## test: ruff and bandit (no medium or high finding), then every test (unit, API, Celery, browser)
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit --quiet --recursive $(APPS) --exclude '*/migrations/*' --severity-level medium
	$(PY) -m pytest

## audit: check pinned dependencies against the advisory database (needs the advisory service;
## --strict fails when a package could not be checked, so an unreachable service is not a pass)
audit: $(VENV)/.installed
	$(VENV)/bin/pip-audit --requirement requirements.txt --strict --progress-spinner off

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
