# The two commands of the README:
#   make run    set up .venv, install, fetch the model, start the mirror
#   make test   install the dev tools, then lint, format check, type check and every test
#   make pi-check   (root) the appliance installed and run on Debian 12 arm64 under qemu,
#                   compared with this machine: hardware/README.md, "The arm64 check"
# On a Raspberry Pi the venv sees the apt packages (python3-picamera2, python3-lgpio).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SHARED_MODELS ?= ../shared/models
# Offline machines (this one, CI) copy the model from ../shared/models; others download it.
FETCH_FROM := $(if $(wildcard $(SHARED_MODELS)/*.tflite),--from $(SHARED_MODELS),)
SYSTEM_SITE := $(if $(wildcard /usr/lib/python3/dist-packages/picamera2),--system-site-packages,)
RUN_ARGS ?=

.PHONY: run test lint typecheck pytest models pi-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(SYSTEM_SITE) $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

models: $(VENV)/.installed
	$(BIN)/hinge-mirror models fetch $(FETCH_FROM)

run: models
	$(BIN)/hinge-mirror run $(RUN_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest

test: lint typecheck pytest

pi-check: $(VENV)/.installed
	hardware/checks/arm64-emulated.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
