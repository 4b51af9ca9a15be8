# The two front doors: `make run` and `make test`. Both set themselves up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM := /usr/bin/chromium

.PHONY: setup run test lint typecheck migrations-check test-deps bench clean

# The stamp is rebuilt whenever the dependency list changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/pathways db upgrade
	$(BIN)/pathways demo
	$(BIN)/pathways serve --port $(PORT)

# Debian's chromium drives the browser tests (Playwright never downloads a browser of its own),
# LibreOffice opens the exported workbooks as a real reader would, and an independent xAPI validator from
# npm checks the statements the LRS returns (tests/xapi/test_external_validator.py).
test-deps:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation; }
	@command -v soffice >/dev/null || { \
	  echo "Installing Debian's LibreOffice Calc to open exported workbooks"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc-nogui fonts-liberation; }
	@test -d $(VENV)/node/node_modules/@learninglocker/xapi-validation || { \
	  echo "Installing Learning Locker's xAPI statement validator for the LRS tests"; \
	  npm install --no-audit --no-fund --prefix $(VENV)/node @learninglocker/xapi-validation@3.0.0; }

lint: setup
	$(BIN)/ruff check src tests bench migrations
	$(BIN)/ruff format --check src tests bench

typecheck: setup
	$(BIN)/mypy

# The models and the migrations must agree: upgrade a scratch database, then ask Alembic for a diff.
migrations-check: setup
	@tmp=$$(mktemp -d) && \
	  PATHWAYS_DATABASE_URL=sqlite:///$$tmp/check.db $(BIN)/alembic upgrade head >/dev/null && \
	  PATHWAYS_DATABASE_URL=sqlite:///$$tmp/check.db $(BIN)/alembic check; \
	  status=$$?; rm -rf $$tmp; exit $$status

test: setup test-deps lint typecheck migrations-check
	$(BIN)/pytest -n 2

bench: setup
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) pathways.db pathways.db-*
