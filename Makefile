# The two front doors: `make run` and `make test`. Both set themselves up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM := /usr/bin/chromium

.PHONY: setup run test lint typecheck migrations-check test-deps bench conformance clean

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
# LibreOffice opens the exported workbooks as a real reader would (where apt-get cannot install it, that one
# test is skipped with its reason, as issue 5 asks; chromium has no such fallback), and an independent xAPI validator from
# npm checks the statements the LRS returns (tests/xapi/test_external_validator.py), ADL's LRS conformance
# suite (../shared/xapi-conformance) gets its npm packages, once, for tests/xapi/test_conformance.py, node's
# oidc-provider is the identity provider the single sign-on tests start (tests/sso/provider.mjs), and poppler's
# pdftotext reads the PDF brief back, right-to-left names in their order (tests/trackers/test_brief_scripts.py);
# the fonts the brief embeds come from PyPI with the project, so `make run` needs no system package for them.
test-deps: setup
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation; }
	@command -v soffice >/dev/null || { \
	  echo "Installing Debian's LibreOffice Calc to open exported workbooks"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc-nogui fonts-liberation \
	  || echo "LibreOffice could not be installed here; the workbook test that opens it will say it skipped."; }
	@command -v pdftotext >/dev/null || { \
	  echo "Installing Debian's poppler-utils: pdftotext reads the PDF brief back as a real reader would"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends poppler-utils; }
	@test -d $(VENV)/node/node_modules/@learninglocker/xapi-validation || { \
	  echo "Installing Learning Locker's xAPI statement validator for the LRS tests"; \
	  npm install --no-audit --no-fund --prefix $(VENV)/node @learninglocker/xapi-validation@3.0.0; }
	@test -d $(VENV)/node/node_modules/oidc-provider || { \
	  echo "Installing node's oidc-provider, the OpenID provider the single sign-on tests sign in with"; \
	  npm install --no-audit --no-fund --prefix $(VENV)/node oidc-provider@9.13.3; }
	@$(BIN)/python -c "from tests.xapi.conformance import prepare_cache; prepare_cache()"

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

# Includes ADL's conformance suite for xAPI 2.0.0 on SQLite (tests/xapi/test_conformance.py, about 70 seconds
# on one of the two workers); PATHWAYS_SKIP_CONFORMANCE=1 skips it in a local run, never in CI.
test: setup test-deps lint typecheck migrations-check
	$(BIN)/pytest -n 2

# ADL's LRS conformance suite, both versions on both databases (two runs at a time), and the four figures.
conformance: setup test-deps
	$(BIN)/python -m tests.xapi.conformance

# bench/data.py first builds the databases the scripts share into bench/.data/ (git-ignored): the demo and the
# organisation on SQLite and in a kept PostgreSQL cluster, about 6 minutes on 2 cores the first time; later runs
# reuse them. Then every script runs, even after one fails (the target fails at the end), and their last
# lines, the summaries, are repeated together. `make bench BENCH_QUICK=1`: shorter runs, SQLite only.
bench: setup
	@tmp=$$(mktemp -d); \
	for b in bench/data.py $$(ls bench/*.py | grep -vx bench/data.py); do \
	  echo "== $$b"; \
	  { PYTHONUNBUFFERED=1 $(BIN)/python $$b 2>&1 || echo $$b >> $$tmp/failed; } | tee $$tmp/out; \
	  echo "$$b: $$(tail -n 1 $$tmp/out)" >> $$tmp/summary; \
	done; \
	echo "== summaries"; cat $$tmp/summary; \
	status=0; if [ -s $$tmp/failed ]; then echo "FAILED:" $$(cat $$tmp/failed); status=1; fi; \
	rm -rf $$tmp; exit $$status

clean:
	rm -rf $(VENV) pathways.db pathways.db-*
