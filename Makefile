# The project's vocabulary. Every target sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
DB     ?= var/dashboard.duckdb
PORT   ?= 8501

.PHONY: setup setup-dev run db test test-fast test-browser lint format check sample bench soak clean browser java

# Bytecode files are written (and .gitignore'd) even where the environment says not to: the
# tests start hundreds of `python -m dashboard` children and two pytest workers, each of which
# would otherwise compile the package and the test modules again (collection alone: 8 s of CPU
# instead of 4 per worker).
unexport PYTHONDONTWRITEBYTECODE

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

## db: create the embedded database and load the sample data if it is empty
db: setup
	DASHBOARD_DB=$(DB) $(PY) -m dashboard init

## run: set up, load the sample data into an empty database, start the app on localhost
run: db
	DASHBOARD_DB=$(DB) $(PY) -m streamlit run dashboard/app.py \
		--server.address 127.0.0.1 --server.port $(PORT)

## browser: Debian's chromium and CJK fonts for the browser tests (installs them as root)
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; \
		else echo "chromium missing: sudo apt-get install chromium fonts-noto-cjk"; exit 1; fi; \
	fi

## java: Debian's Java runtime for Spark local mode (the engine-equality tests; as root)
java:
	@if ! command -v java >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless; \
		else echo "java missing: sudo apt-get install openjdk-17-jre-headless"; exit 1; fi; \
	fi

## test: set up and run every test (unit, CLI, app, browser, reliability, Spark equality)
test: setup-dev browser java
	$(PY) -m pytest -q -n 2 --dist loadgroup --ignore=tests/reliability/test_app.py
	# Its own process: it drives browsers and servers of its own (Playwright's sync API
	# allows one loop per process) and must not compete with the e2e tests for 2 cores.
	$(PY) -m pytest -q tests/reliability/test_app.py

test-browser: setup-dev browser
	$(PY) -m pytest -q -m browser tests/e2e

## test-fast: every test but the slow and browser ones (tests/conftest.py: SLOW), under a minute
test-fast: setup-dev
	# By test (--dist load): measured 2026-12-02 on an idle machine, 55.6 s against 60.8 s by
	# file (--dist loadfile) and 60.5 s work-stealing, now that the session's sample databases
	# are built once per run (tests/conftest.py) and the slow tests are marked.
	$(PY) -m pytest -q -n 2 --dist load -m "not browser and not slow"

## soak: the reliability suite with more of everything (2 GB line, more kills, fresh fuzz)
soak: setup-dev browser
	SOAK=1 $(PY) -m pytest -q -n 2 --dist loadgroup tests/reliability
	$(PY) -m tests.reliability.figures soak

lint: setup-dev
	$(PY) -m ruff check dashboard tests bench
	$(PY) -m ruff format --check dashboard tests bench

format: setup-dev
	$(PY) -m ruff format dashboard tests bench
	$(PY) -m ruff check --fix dashboard tests bench

check: lint
	$(PY) -m mypy dashboard
	$(VENV)/bin/lint-imports --no-cache

## sample: regenerate the committed sample data
sample: setup
	$(PY) -m dashboard sample --out sample_data

## bench: the figures of issue 14 at bank scale (bench/run.py; about 15 GB in bench/out), written
## to bench/RESULTS.md; BENCH_SCALE=0.01 for a quick run, BENCH_SCALE=0.25,0.5,1 for the growth.
## The app section (bench/app.py: every page in headless Chromium) adds about 15 min at scale 1;
## the Spark section (bench/spark.py: the heaviest reports on Spark local mode, informational)
## needs Java and pyspark (make java) and adds about 3 min at scale 0.05.
bench: setup-dev browser java
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) var tests/artifacts bench/out
