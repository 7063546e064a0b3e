# Petit Talk: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: run test install install-dev lint format bench lighthouse screenshots clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

run: install
	DJANGO_SETTINGS_MODULE=site_config.settings.dev $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=site_config.settings.dev $(PY) manage.py load_demo
	DJANGO_SETTINGS_MODULE=site_config.settings.dev $(PY) manage.py runserver 127.0.0.1:8000

PYTEST_ARGS ?= -n 2

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Measurements (not part of `make test`): see docs/benchmarks.md. They need PostgreSQL and
# Redis on 127.0.0.1, wrk (Debian package), and for Lighthouse Node.js and Chromium.
BENCH_ARGS ?=
bench: install
	$(PY) tests/perf/bench_load.py $(BENCH_ARGS)
	$(PY) tests/perf/bench_stress.py

# Lighthouse is pinned in package.json and package-lock.json; `npm ci` reinstalls it whenever
# either changes. LIGHTHOUSE_ARGS: e.g. --pages home,signup --runs 5 --no-docs.
node_modules/.bin/lighthouse: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

lighthouse: install node_modules/.bin/lighthouse
	$(PY) tests/perf/lighthouse_run.py $(LIGHTHOUSE_ARGS)

# The user guides' pictures (docs/guide-*.md): a fresh demo site on a temporary SQLite
# database, each role logged in with Playwright on Chromium, PNGs into docs/screenshots/.
# SCREENSHOTS_ARGS: e.g. --only student,teacher or --out /tmp/shots.
SCREENSHOTS_ARGS ?=
screenshots: install-dev
	$(PY) -m tests.support.screenshots $(SCREENSHOTS_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
