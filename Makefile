# Two entry points for a fresh machine with Python 3.11+: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo run test lint install install-test lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip

# Installed from pyproject.toml, pinned by requirements.lock (pip constraints); the compiled
# kernels are rebuilt when their source changes.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock setup.py newsspider/dedup/kernels.pyx
	$(BIN)/pip install -q -c requirements.lock -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -c requirements.lock -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/newsspider demo

run: install
	$(BIN)/newsspider run

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest -q

# Re-pin every dependency after changing pyproject.toml.
lock: install-test
	$(BIN)/pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf $(VENV) demo-output .pytest_cache .ruff_cache
