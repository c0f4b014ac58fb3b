# dgpe — the two commands of the README, and a few more.
#   make report   create .venv, install everything, run the default report into reports/<date>-default
#   make test     create .venv, install everything (with the dev extras), lint, type-check (mypy) and run the tests
#   make lab      open JupyterLab on notebooks/ (the .py notebooks open as notebooks) with the project's kernel
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.dgpe-installed
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
ARGS   ?=

.PHONY: report test lab bench example clean-venv

$(STAMP): pyproject.toml requirements/constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dgpe needs Python 3.11 or newer; run: make PYTHON=python3.11 …")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name dgpe --display-name dgpe > /dev/null
	$(BIN)/python -m dgpe.lab --prefix $(VENV)
	$(BIN)/python -c "from dgpe.plotting import cjk_font_path; print('CJK font:', cjk_font_path().name)"
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/dgpe run configs/default.yaml $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadfile $(ARGS)

# JupyterLab opens notebooks/*.py as notebooks (jupytext's viewer; see src/dgpe/lab.py); the rule
# also brings an environment made before this setting up to date
$(LAB_SETTINGS): | $(STAMP)
	$(BIN)/python -m dgpe.lab --prefix $(VENV)

lab: $(STAMP) $(LAB_SETTINGS)
	$(BIN)/jupyter lab notebooks/ $(ARGS)

bench: $(STAMP)
	$(BIN)/pytest benchmarks --benchmark-only -p no:xdist $(ARGS)

example: $(STAMP)
	$(BIN)/dgpe example --force $(ARGS)

clean-venv:
	rm -rf $(VENV)
