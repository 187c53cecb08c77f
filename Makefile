# Two commands matter: `make run` and `make test`. Both install into .venv first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench bench-events clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/leadcrm serve

lint: $(STAMP)
	$(BIN)/ruff check leadcrm tests bench
	$(BIN)/ruff format --check leadcrm tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q $(PYTEST_ARGS)

# The load generator is wrk (Debian's package); installed here when running as root.
bench: $(STAMP)
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || \
		{ apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench $(BENCH_ARGS)

# Event delivery to a loopback receiver, 1 and 2 workers, on PostgreSQL.
bench-events: $(STAMP)
	$(BIN)/python -m bench.events $(BENCH_EVENTS_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
