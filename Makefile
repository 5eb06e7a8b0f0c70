# The two set-up commands: `make run` (the demo, loaded once into an empty database and kept
# after that, served on http://127.0.0.1:5000) and
# `make test` (everything). `make solve` solves the sample program on the command line.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run solve test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/residency demo
	$(BIN)/residency serve

solve: $(STAMP)
	@mkdir -p out
	$(BIN)/residency solve samples/duke.toml --time-limit 30 -o out/schedule.json; \
	  status=$$?; echo "schedule file: out/schedule.json (exit status $$status)"; exit $$status

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy --strict scheduler solver caselog
	$(BIN)/mypy web
	$(BIN)/pytest -n 2 --dist loadfile

bench: $(STAMP)
	$(BIN)/python -m bench.run --programs bench/programs

.PHONY: bench-call
bench-call: $(STAMP)
	$(BIN)/python -m bench.call

clean:
	rm -rf $(VENV) out build *.egg-info .pytest_cache .hypothesis
