# newsquotes: `make run` to try it, `make test` to test it. Both set everything up.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# The first Python >= 3.12 on this machine (Django 6 needs it): pyenv's, then PATH's.
PYTHON ?= $(shell for p in python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3) python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsquotes
HOST ?= 127.0.0.1:8000

.PHONY: run test install postgres browser lint bench bench-extraction bench-pipeline bench-review bench-research check-deploy serve-prod bench-load clean clean-all

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found: install one (e.g. pyenv install 3.12) and try again."; exit 1; }
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

# Extraction: with the default database queue a db_worker runs next to the server; with
# TASKS_BACKEND=django.tasks.backends.immediate.ImmediateBackend it runs inside each import.
run: install
	$(BIN)/python manage.py migrate --verbosity 0
	@if [ "$${TASKS_BACKEND:-django_tasks_db.DatabaseBackend}" = django_tasks_db.DatabaseBackend ]; then \
		echo "Extraction: a background db_worker process, started here, takes the queued articles."; \
		trap 'kill 0' EXIT; \
		$(BIN)/python manage.py db_worker --verbosity 1 & \
		$(BIN)/python manage.py setup_demo && $(BIN)/python manage.py runserver $(HOST); \
	else \
		echo "Extraction: no worker; $$TASKS_BACKEND runs it as articles are imported."; \
		$(BIN)/python manage.py setup_demo && $(BIN)/python manage.py runserver $(HOST); \
	fi

# The suite runs on PostgreSQL; the server is started when it is not running.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
		echo "Starting PostgreSQL..."; \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start; \
		for i in $$(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }
	@# A fresh server has no newsquotes database; Django's test runner starts from it.
	@if [ -z "$$DATABASE_URL" ]; then \
		psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'newsquotes'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres newsquotes; fi

# Debian's Chromium for the browser tests; installed when missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
		else echo "Chromium not found: browser tests will be skipped (apt-get install chromium)."; fi; }

test: install postgres browser
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python -m pytest $(PYTEST_ARGS)

# Style (ruff), types (mypy with django-stubs, lenient: see pyproject.toml) and code that an
# older Django needed (django-upgrade; migrations are history and left alone).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	git ls-files -z '*.py' ':!:annotations/migrations/*' | xargs -0 $(BIN)/django-upgrade --target-version 6.1 --check

bench-extraction: install
	$(BIN)/python benchmarks/extraction_speed.py

# Import + extract end to end on PostgreSQL (database nq_bench_extraction): engine alone,
# extract_quotes, one and two db_workers, queries per article at two sizes.
bench-pipeline: install postgres
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python benchmarks/extraction_pipeline.py

# Server times of the review page and every editor action (a throw-away database).
bench-review: install postgres
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(BIN)/python benchmarks/review_latency.py

# Research pages, API and export memory on a synthetic corpus of 1M quotes in its own
# database (newsquotes_bench), generated once (about two minutes).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/newsquotes_bench
bench-research: install postgres
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'newsquotes_bench'" | grep -q 1 \
		|| { createdb -h 127.0.0.1 -U postgres newsquotes_bench \
		&& DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --verbosity 0 \
		&& DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py generate_corpus; }
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python manage.py migrate --verbosity 0
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python benchmarks/research_latency.py

bench: bench-extraction bench-pipeline bench-review bench-research

# Editors and researchers against gunicorn on 127.0.0.1, 60 s (database newsquotes_load).
bench-load: install postgres
	$(BIN)/python benchmarks/load_test.py $(LOAD_ARGS)

# Production on one machine: gunicorn and one db_worker, configured by the environment
# (SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL...; see docs/production.md). DEBUG is off unless set.
serve-prod: export DEBUG ?= false
serve-prod: install
	$(BIN)/python manage.py check --deploy --fail-level $(or $(DEPLOY_CHECK_FAIL_LEVEL),WARNING)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@trap 'kill 0' EXIT; \
	$(BIN)/python manage.py db_worker --no-reload --verbosity 1 & \
	$(BIN)/gunicorn -c newsquotes/gunicorn.conf.py

check-deploy: install
	DEBUG=false SECRET_KEY=$$(openssl rand -hex 32) ALLOWED_HOSTS=quotes.example.org \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# The virtualenv and collected static files; the development database in var/ is kept.
clean:
	rm -rf $(VENV) staticfiles
	@if [ -d var ]; then echo "Kept var/, the development database: make clean-all deletes it too."; fi

# Everything clean does, and var/: the development database with every article, quote and
# decision in it. Asks first unless CONFIRM=yes.
clean-all: clean
	@if [ -d var ]; then \
		if [ "$(CONFIRM)" != yes ]; then \
			read -r -p "Delete var/, the development database and everything in it? [y/N] " answer; \
			case "$$answer" in [yY]*) ;; *) echo "var/ kept."; exit 0;; esac; \
		fi; \
		rm -rf var && echo "Deleted var/."; \
	fi
