# Two entry points: `make run` (set up and launch) and `make test` (set up and run every check).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-clock lint bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/cockpit $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -q $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-clock

# The UI tests again with the process clock a year ahead: nothing on screen may depend on today.
test-clock: $(STAMP)
	@if command -v faketime >/dev/null; then \
	  faketime -f '+365d' $(BIN)/pytest -q -p no:cacheprovider tests/ui; \
	elif [ -n "$$COCKPIT_REQUIRE_BACKENDS" ]; then \
	  echo "test-clock: faketime is missing (apt-get install faketime)"; exit 1; \
	else echo "test-clock: skipped, faketime is not installed (apt-get install faketime)"; fi

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist src/*.egg-info
