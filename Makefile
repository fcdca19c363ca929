# The two commands that matter: `make demo` and `make test`. Each sets up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench install clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/rashomon compare examples/

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check rashomon tests bench
	$(BIN)/ruff format --check rashomon tests bench
	$(BIN)/mypy rashomon

bench: $(STAMP)
	$(BIN)/python bench/bench_clean_html.py
	$(BIN)/python bench/bench_clean_text.py
	$(BIN)/python bench/bench_annotate_polnear.py
	$(BIN)/python bench/bench_annotate_speed.py
	$(BIN)/python bench/bench_stories_pairs.py
	$(BIN)/python -m pip install --quiet -e '.[encoders]'
	$(BIN)/python bench/bench_stories_encoders.py
	$(BIN)/python bench/bench_stories_scale.py
	$(BIN)/python bench/bench_compare_contradictions.py
	$(BIN)/python bench/bench_compare_headlines.py
	$(BIN)/python bench/bench_compare_scale.py
	$(BIN)/python bench/screenshot_compare.py
	$(BIN)/python bench/bench_store_ingest.py
	$(BIN)/python bench/bench_serve_load.py
	$(BIN)/python bench/screenshot_web.py
	$(BIN)/python bench/bench_spark.py

clean-venv:
	rm -rf $(VENV)
