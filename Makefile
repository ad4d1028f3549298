# coopsec: two commands on a fresh machine.
#   make run   install, migrate the embedded SQLite database, load reference data and demo
#              accounts and the small synthetic demo history, serve on http://127.0.0.1:8000
#              (with the task worker that builds reports)
#   make test  install dev dependencies, lint, type-check, run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
COOPSEC := $(VENV)/bin/coopsec
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install dev frontend migrate reference demo serve lint clean

run: install frontend migrate reference demo serve

test: dev frontend
	bash scripts/test-suite

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend: node_modules/.installed

migrate: install
	$(COOPSEC) migrate --no-input

reference: install
	$(COOPSEC) load-reference

demo: install
	$(COOPSEC) demo --scale small --seed 1

# The web server, and beside it the task worker that builds reports (stopped with it).
serve: install frontend
	@echo "coopsec is serving on http://$(HOST):$(PORT)/ with a task worker (Ctrl-C stops both)"
	$(COOPSEC) db-worker --no-reload --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(COOPSEC) runserver --noreload $(HOST):$(PORT)

lint: dev
	$(PY) -m ruff check src tests
	$(PY) -m ruff format --check src tests
	$(PY) -m mypy

clean:
	rm -rf $(VENV) node_modules var test-artifacts
