# `make run` serves the bundled fixtures; `make test` runs the whole suite;
# `make bench` measures the sandbox against a bare Flask app.
# Both set up a virtualenv in .venv on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint format clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pretix-sandbox serve --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the benchmark"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check sandbox tests bench examples
	$(BIN)/ruff format --check sandbox tests bench examples

format: $(STAMP)
	$(BIN)/ruff format sandbox tests bench examples
	$(BIN)/ruff check --fix sandbox tests bench examples

clean:
	rm -rf $(VENV) instance *.egg-info
