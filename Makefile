# The two set-up commands: `make run` (solve the sample program) and `make test` (everything).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@mkdir -p out
	$(BIN)/residency solve samples/duke.toml --time-limit 30 -o out/schedule.json; \
	  status=$$?; echo "schedule file: out/schedule.json (exit status $$status)"; exit $$status

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) out build *.egg-info .pytest_cache .hypothesis
