# Rung: two commands for a fresh machine.
#   make demo   install everything, load the demo data, serve http://127.0.0.1:8000
#   make test   install everything, run every check and the whole test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy

UV_VERSION := 0.13.8
PYTHON := $(shell scripts/find-python)
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
RUN := $(UV) run --frozen --python $(PYTHON)
PG_URL ?= postgres://postgres@127.0.0.1:5432/rung_ci_$(shell date +%s)_$$PPID

.PHONY: help demo test setup check pytest-sqlite pytest-postgres browser-deps serve worker clean

help:
	@echo "make demo   - install everything and run Rung with demo data on http://127.0.0.1:8000"
	@echo "make test   - install everything and run all checks and the whole test suite"

$(UV):
	@test -n "$(PYTHON)" || exit 1
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

setup: $(UV)
	@test -n "$(PYTHON)" || exit 1
	$(UV) sync --frozen --python $(PYTHON)
	npm ci --no-audit --no-fund --loglevel=error

demo: setup
	DEBUG=true $(RUN) rung migrate --no-input
	DEBUG=true $(RUN) rung demo
	DEBUG=true $(RUN) rung serve

serve: setup
	DEBUG=true $(RUN) rung serve

worker: setup
	USE_TASK_WORKER=true $(RUN) rung worker

check: setup
	$(RUN) ruff format --check .
	$(RUN) ruff check .
	$(RUN) mypy .
	$(RUN) lint-imports
	DEBUG=true $(RUN) rung makemigrations --check --dry-run
	DEBUG=false USE_HTTPS=true SECRET_KEY="ci-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')" \
	  CREDENTIALS_KEY_PASSPHRASE="ci-$$(head -c 24 /dev/urandom | base64 | tr -d '/+=\n')" \
	  PAYOUT_DETAILS_KEY="$$(head -c 32 /dev/urandom | base64 | tr "+/" "-_")" \
	  ALLOWED_HOSTS=rung.example SITE_URL=https://rung.example USE_SMTP=true EMAIL_HOST=smtp.rung.example SECURE_HSTS_PRELOAD=true \
	  $(RUN) rung check --deploy --fail-level WARNING

browser-deps:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: install Debian's chromium package to run the browser tests."; fi; }

pytest-sqlite: setup browser-deps
	$(RUN) pytest -q -p no:cacheprovider

pytest-postgres: setup
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
	  DATABASE_URL=$(PG_URL) RUNG_VAR_DIR=$(CURDIR)/var/pg-run $(RUN) pytest -q -p no:cacheprovider -m "not browser"; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; \
	else echo "PostgreSQL is not running on 127.0.0.1:5432: skipping the PostgreSQL run."; fi

# The two runs share nothing (own database, own var directory), so they run side by side, one per
# core; each run's output is printed whole when it ends.
test: check
	$(MAKE) --no-print-directory -j2 --output-sync=target pytest-sqlite pytest-postgres

clean:
	rm -rf .venv .tools node_modules var staticfiles test-artifacts
