# The two commands a newcomer needs: `make serve` and `make test`. Everything they need is set up here.
SHELL := /bin/bash
PYENV_PY := $(shell pyenv root 2>/dev/null)/versions/3.12.1/bin/python3
PYTHON312 ?= $(if $(wildcard $(PYENV_PY)),$(PYENV_PY),$(shell command -v python3.12))
VENV := .venv
PY := $(VENV)/bin/python
UV := python3 -m uv
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000
# `make serve` runs as users see the platform: DEBUG off, so an error shows the platform's own 404/500 pages
# (never Django's debug pages with settings and source) and WhiteNoise serves the static files collected
# into var/static. A developer asks for debug pages with `make serve DEBUG=1`. With DEBUG off Django answers
# only the hosts it is told: HOST and localhost, or ALLOWED_HOSTS=a,b when serving under another name.
SERVE_DEBUG := $(or $(DEBUG),0)
comma := ,
SERVE_HOSTS := $(or $(ALLOWED_HOSTS),127.0.0.1$(comma)localhost$(comma)$(HOST))
export UV_PYTHON_DOWNLOADS := never
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test setup system-deps lint test-sqlite test-postgres

## serve: install, migrate the embedded SQLite database, load the real plan data, create demo users, serve
serve: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_plan
	$(PY) manage.py load_observations
	$(PY) manage.py load_msme_definitions
	$(PY) manage.py create_demo_users
	$(PY) manage.py load_demo_progress
	$(PY) manage.py load_demo_survey
	$(PY) manage.py refresh_assessments --schedule
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "sapsmed: http://$(HOST):$(PORT)/ (DEBUG=$(SERVE_DEBUG); Ctrl-C stops it; background jobs log to var/worker.log)"
	@export DEBUG=$(SERVE_DEBUG) ALLOWED_HOSTS="$(SERVE_HOSTS)"; \
	$(PY) manage.py db_worker > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: install, lint, then run the whole suite on SQLite and on PostgreSQL
# The two runs go side by side (one per core); each keeps its own media folder so their files
# cannot collide, and --output-sync prints each run's report whole when it ends. Every test that
# touches the database runs on both. The pure core tests (sapsmed/core: no database, by rule) run
# once, with SQLite; the browser tests once, against PostgreSQL, the production database.
test: setup system-deps lint
	$(PY) scripts/check_postgres.py "$(PG_URL)"
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# The SQLite run names sapsmed/ itself: pytest treats pyproject's testpaths as arguments, which --ignore does
# not filter, so `--ignore=e2e` still ran the browser tests here too.
test-sqlite:
	@echo "== test suite on SQLite (browser tests: in the PostgreSQL run)"
	SAPSMED_ENV=test MEDIA_ROOT="$(CURDIR)/var/test-media-sqlite" \
	  DATABASE_URL="sqlite:///$(CURDIR)/var/test.sqlite3" $(VENV)/bin/pytest sapsmed

test-postgres:
	@echo "== test suite on PostgreSQL ($(PG_URL)) (pure core tests: in the SQLite run)"
	SAPSMED_ENV=test MEDIA_ROOT="$(CURDIR)/var/test-media-postgres" DATABASE_URL="$(PG_URL)" \
	  $(VENV)/bin/pytest --ignore=sapsmed/core

# lint-imports: the apps' layers (pyproject.toml [tool.importlinter]; README "Layers"); check_back_doors: the
# same layers for what imports cannot show (get_model or import_module by name, template tags and includes).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) scripts/check_back_doors.py

setup: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock
	@[ -n "$(PYTHON312)" ] || { echo "Python 3.12 not found: install it with pyenv (3.12.1) or set PYTHON312=/path/to/python3.12"; exit 1; }
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --python "$(PYTHON312)"
	@mkdir -p var
	@touch $@

# Debian packages the tests need (Chromium for browser tests, R's survey package as an estimation peer).
system-deps:
	@missing=$$(for p in $$(cat scripts/test-apt-packages.txt); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
