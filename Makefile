# outsourcing-risk: the two commands of the README, and the rest.
# Needs only python3 (>= 3.11), make and git; everything else goes into .venv.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TRIALS ?= 20000
SEED   ?= 2026

.PHONY: help venv test report lab app bench lint format clean notebooks screenshots git-filter unset-git-filter

help:
	@echo "make report   one offline HTML report per scenario of data/scenarios.csv, plus reports/index.html"
	@echo "make test     create .venv, install the project with its test extras, run the whole suite"
	@echo "make lab      open the notebooks in JupyterLab"
	@echo "make app      serve the what-if explorer and vendor selection as a web app (Voila), offline"
	@echo "make bench    run the speed and memory benchmarks into benchmarks/RESULTS.md"
	@echo "make screenshots  photograph a report and the index into docs/img/ (needs chromium)"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@echo "== First run: installing the workbook and its tools into $(VENV) (about 3 minutes, once)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"  # every extra and the test tools
	-@$(MAKE) --no-print-directory git-filter
	touch $(STAMP)

# Notebooks stay clean in git: nbstripout as a git filter strips outputs, execution counts and
# session metadata from what git stores, while the file on disk keeps them. Cells tagged
# keep_output (the NBVAL_CHECK_OUTPUT ones) keep their outputs. REPO: the repository to set up.
# The filter never breaks git: when .venv is gone (make clean, rm -rf) it passes notebooks through
# as they are (git status, add and stash keep working), and a pre-commit hook then refuses a commit
# of a notebook with outputs until `make venv` brings the filter back. `make clean` removes both.
NBSTRIP := "$(abspath $(PY))" -m nbstripout --keep-id
FILTER  := "$(abspath tools/nbstripout-filter)" "$(abspath $(PY))"
REPO ?= .
git-filter:
	@git -C $(REPO) rev-parse --git-dir >/dev/null 2>&1 || { echo "not a git repository: no notebook filter installed"; exit 0; }
	@echo "== Setting up git for the notebooks: a filter that keeps their outputs out of commits, and a pre-commit hook (undo: make unset-git-filter)"
	@git -C $(REPO) config filter.nbstripout.clean '$(FILTER)'
	@git -C $(REPO) config filter.nbstripout.smudge cat
	@git -C $(REPO) config --unset filter.nbstripout.required || true
	@git -C $(REPO) config filter.nbstripout.extrakeys 'metadata.language_info'
	@git -C $(REPO) config diff.ipynb.textconv '$(NBSTRIP) -t'
	@hooks="$$(cd $(REPO) && git rev-parse --absolute-git-dir)/hooks" && mkdir -p "$$hooks" && \
		install -m 0755 tools/pre-commit-notebooks "$$hooks/pre-commit"

# Removes what the set-up made: the notebook filter and the hook that needs it.
unset-git-filter:
	-@git -C $(REPO) config --remove-section filter.nbstripout 2>/dev/null
	-@git -C $(REPO) config --remove-section diff.ipynb 2>/dev/null
	-@hook=$$(git -C $(REPO) rev-parse --path-format=absolute --git-path hooks/pre-commit 2>/dev/null) && grep -q outsourcing-risk "$$hook" 2>/dev/null && rm -f "$$hook"
	@echo "== The notebook filter and the pre-commit hook are removed"

test: $(STAMP)
	$(PY) -m pytest -n auto --maxprocesses 4 --dist loadfile --durations 25  # a notebook's cells stay on one worker

report: $(STAMP)
	$(VENV)/bin/outsourcing-risk report data/scenarios.csv --out reports --trials $(TRIALS) --seed $(SEED)

# .jupyter/ holds the project's Jupyter settings: notebooks are saved as git stores them.
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter" $(VENV)/bin/jupyter lab notebooks

# The what-if explorer for people who don't code (Voilà); APP=vendors for the vendor selection,
# IP=0.0.0.0 to let colleagues in, PORT to change the port.
APP  ?= what-if
PORT ?= 8866
IP   ?= 127.0.0.1
app: $(STAMP)
	$(VENV)/bin/outsourcing-risk app $(APP) --port $(PORT) --ip $(IP)

bench: $(STAMP)
	$(PY) benchmarks/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check outsourcing_risk tests benchmarks
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff format outsourcing_risk tests benchmarks
	$(VENV)/bin/ruff check --fix .

clean: unset-git-filter
	rm -rf $(VENV) reports .pytest_cache .ruff_cache .hypothesis .mypy_cache

notebooks: $(STAMP)
	$(PY) notebooks/refresh_outputs.py

screenshots: $(STAMP)
	$(PY) docs/screenshots.py
