# Shortcuts for contributors (see CONTRIBUTING.md). Every target uses the tools of .venv,
# which the README's first command creates: python3 -m venv .venv && .venv/bin/python -m pip
# install -r requirements.txt.

PY := .venv/bin/python
BIN := .venv/bin
FAST := not chapters and not e2e and not slow

.PHONY: help fast test lint lint-chapters format book e2e ci

help:
	@echo "make fast           the package's own tests and doctests, no chapters, browsers or slow runs"
	@echo "make test           everything, as the README's test command (chapters and browser suites too)"
	@echo "make lint           ruff (check, format --check), the import contract, mypy"
	@echo "make lint-chapters  ruff over the chapters' code cells (converted by jupytext)"
	@echo "make format         ruff format and the safe ruff fixes, in place"
	@echo "make book           the book, with warnings as errors (the README's build command)"
	@echo "make e2e            the browser suites (tests/e2e), on the book built by make book"
	@echo "make ci             .ci/run: a fresh environment, the README's two commands"

fast:
	$(PY) -m pytest -m "$(FAST)"

test:
	$(PY) -m pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

lint-chapters:
	rm -rf _build/lint-chapters && mkdir -p _build/lint-chapters
	for f in book/*.md; do $(BIN)/jupytext --quiet --to ipynb -o _build/lint-chapters/$$(basename $$f .md).ipynb $$f; done
	$(BIN)/ruff check _build/lint-chapters/*.ipynb
	$(BIN)/ruff format --check _build/lint-chapters/*.ipynb

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

book:
	$(BIN)/jupyter-book build --all -W -n --keep-going .

e2e:
	$(PY) -m pytest tests/e2e

ci:
	.ci/run
