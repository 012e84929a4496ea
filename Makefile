# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test venv lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

## Start the app on the embedded default: a synthetic council in a local central store,
## the central service on a free loopback port, and the client signed in to it.
run: $(STAMP)
	$(PY) -m demo

## Every test. PostgreSQL tests run when DOORSTEP_TEST_PG_URL is set (CI sets it).
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m bench import
	$(PY) -m bench bootstrap

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
