# The README's two commands: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
FLASK := FLASK_APP=app $(BIN)/flask
LOCALES := es zh_Hans zh_Hant ko hy vi fil ru fa ar ja
STAMP := $(VENV)/.installed

.PHONY: run test test-pg install install-dev i18n i18n-extract i18n-update translations db lint bench clean

run: install translations db
	$(FLASK) seed demo
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install-dev translations
	$(BIN)/pytest $(PYTEST_ARGS)

# The whole suite again on a throwaway PostgreSQL cluster (needs the postgresql package).
test-pg: install-dev translations
	$(BIN)/python scripts/pg_throwaway.py -- $(BIN)/pytest $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	@test -f $(STAMP) -a $(STAMP) -nt pyproject.toml || { $(BIN)/pip install --quiet -e . && touch $(STAMP); }

install-dev: $(BIN)/python
	@test -f $(STAMP).dev -a $(STAMP).dev -nt pyproject.toml || { $(BIN)/pip install --quiet -e '.[dev]' && touch $(STAMP) $(STAMP).dev; }

db: install
	$(FLASK) db upgrade

# Extract every marked string, merge it into each catalog, compile.
i18n: i18n-extract i18n-update translations

i18n-extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --no-location --sort-output -o messages.pot .

i18n-update: install
	@for locale in $(LOCALES); do \
	  if [ -f translations/$$locale/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i messages.pot -d translations -l $$locale; \
	  else \
	    $(BIN)/pybabel init -i messages.pot -d translations -l $$locale; \
	  fi; \
	done

translations: install
	$(BIN)/pybabel compile --statistics -d translations 2>&1 | grep -v "^compiling"; exit $${PIPESTATUS[0]}

lint: install-dev
	$(BIN)/ruff check .

# Every benchmark (web pages, the selection engine, load and catalog checks); writes
# benchmarks/RESULTS.md. Needs wrk and Chromium (`apt-get install -y wrk chromium`; CI runs
# the tests, not the benchmarks).
bench: install-dev translations
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) instance messages.pot
	find translations -name '*.mo' -delete
