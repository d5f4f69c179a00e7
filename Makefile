# Development tasks. Nothing here needs more than Python 3.11+ on the machine:
# the first target that needs the virtual environment creates it.
#
#   make run    set everything up, load the demo collection, serve http://127.0.0.1:8000/
#   make test   the test suite (SQLite; again on PostgreSQL when DATABASE_URL is set)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Written after a successful install, so the environment is rebuilt only when
# requirements.txt or requirements-dev.txt changes (or after `make clean`). The
# development set: the runtime packages (requirements.txt) plus tests and lint.
INSTALLED := $(VENV)/.installed-requirements
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# tests/test_translations.py runs makemessages with the same options.
MESSAGES_OPTIONS := -l uk -l ko --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'var/*' --ignore 'static/*'
CHROMIUM := /usr/bin/chromium

# These targets are for a developer's machine: debug mode unless the caller says otherwise.
export DJANGO_DEBUG ?= 1

.DEFAULT_GOAL := help
.PHONY: help run migrate demo serve test test-replicas test-outages lint collectstatic messages clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(INSTALLED): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
		echo "Python 3.11 or newer is needed; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
		echo "Point the Makefile at another interpreter, e.g.: make run PYTHON=python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

run: migrate demo serve ## Install, migrate, load the demo collection and serve it

migrate: $(INSTALLED) ## Apply database migrations
	@mkdir -p var  # the default SQLite database's folder (settings create nothing)
	$(PY) manage.py migrate --noinput

demo: $(INSTALLED) ## Load the demo collection (the first artifacts, from the source report)
	$(PY) manage.py load_demo

serve: $(INSTALLED) ## Development server on HOST:PORT (default 127.0.0.1:8000)
	@echo "Serving the archive at http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests run when Debian's Chromium is installed; otherwise they are deselected
# (not skipped inside the test) and a line says so. REQUIRE_BROWSER=1 (CI) makes a
# missing Chromium an error instead.
ifeq ($(wildcard $(CHROMIUM)),)
BROWSER_SELECTION := -m "not browser"
endif

# Tests are spread over one process per core (pytest-xdist, whole files to a process so
# that each starts its browser and servers once); TEST_PROCESSES=0 runs them in one.
TEST_PROCESSES ?= auto
PARALLEL := $(if $(filter 0,$(TEST_PROCESSES)),,-n $(TEST_PROCESSES) --dist loadfile)

# Browser tests drive the pages through a real server and Chromium: what they check (the
# templates, scripts, styles and the Content-Security-Policy) is the same on either
# database, so they run once, in the last pass: on PostgreSQL when DATABASE_URL is set,
# the database production runs. Everything else runs on both.
test: $(INSTALLED) ## Run the tests on SQLite, then on PostgreSQL if DATABASE_URL is set
ifeq ($(wildcard $(CHROMIUM)),)
ifeq ($(REQUIRE_BROWSER),1)
	@echo "Browser tests are required but $(CHROMIUM) is missing: apt-get install chromium"; exit 1
endif
	@echo "NOTE: browser tests NOT run: $(CHROMIUM) is missing (install it with: sudo apt-get install chromium)."
endif
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== Tests on SQLite (browser tests: in the PostgreSQL pass)"; \
		env -u DATABASE_URL $(PY) -m pytest $(PARALLEL) -m "not browser" $(PYTEST_ARGS) || exit $$?; \
		echo "== Tests on the database in DATABASE_URL (test database: test_<name>)"; \
		$(PY) -m pytest $(PARALLEL) $(BROWSER_SELECTION) $(PYTEST_ARGS); \
	else \
		echo "== Tests on SQLite"; \
		$(PY) -m pytest $(PARALLEL) $(BROWSER_SELECTION) $(PYTEST_ARGS) || exit $$?; \
		echo "NOTE: no PostgreSQL run: DATABASE_URL is not set (see README, Tests)."; \
	fi
ifeq ($(wildcard $(CHROMIUM)),)
	@echo "NOTE: browser tests were NOT run: $(CHROMIUM) is missing (sudo apt-get install chromium)."
endif

# Once, not in each database pass: they start PostgreSQL clusters of their own (a primary
# and hot standbys, on free ports under a temporary directory), so they need PostgreSQL's
# server programs (initdb, pg_ctl, pg_basebackup) but no DATABASE_URL.
test-replicas: $(INSTALLED) ## The read-replica tests, on a throwaway PostgreSQL primary and standby
	ARCHIVE_REPLICA_TESTS=1 $(PY) -m pytest tests/test_replicas.py $(PYTEST_ARGS)

# Once, like the replica tests: they stop and start a throwaway PostgreSQL cluster and a
# throwaway redis-server of their own (never the machine's), under a running archive.
test-outages: $(INSTALLED) ## Database and cache outages, on a throwaway PostgreSQL and Redis
	ARCHIVE_OUTAGE_TESTS=1 $(PY) -m pytest -p no:randomly tests/test_outages.py $(PYTEST_ARGS)

messages: $(INSTALLED) ## Update the Ukrainian and Korean catalogs from the code, then compile them (needs GNU gettext)
	$(PY) manage.py makemessages $(MESSAGES_OPTIONS)
	$(PY) manage.py compilemessages --ignore '.venv/*'

lint: $(INSTALLED) ## Check the code with ruff
	$(VENV)/bin/ruff check .

collectstatic: $(INSTALLED) ## Collect static files exactly as production does (hashed, compressed)
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-collectstatic-only} \
		$(PY) manage.py collectstatic --noinput

clean: ## Remove the virtual environment, collected static files and caches (keeps var/ data)
	rm -rf $(VENV) var/staticfiles .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
