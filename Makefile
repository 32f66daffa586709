# The one entry point. `make serve` and `make test` set everything up on a fresh machine.
# The interpreter the venv is made from: the distribution's own CPython where it is 3.11 or newer
# and can make a venv (Debian builds it with profile-guided and link-time optimisation; this
# machine kind's `python3`, a pyenv build, has neither and a shared libpython: ~9 % more CPU for
# the same tests, docs/benchmarks.md, thirteenth pass), else the first python3 on PATH.
PYTHON ?= $(shell /usr/bin/python3 -c 'import sys, ensurepip; assert sys.version_info >= (3, 11)' 2>/dev/null && echo /usr/bin/python3 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test suite screenshots lint typecheck unit demo demo-bank bench system-deps clean client sandbox messages compile-messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/python -m mynumber.i18n compile
	-$(BIN)/python scripts/type_dependencies.py
	touch $(STAMP)

messages: $(STAMP)  ## extract the messages, update every language's .po, list what is missing
	$(BIN)/python -m mynumber.i18n update
	$(BIN)/python -m mynumber.i18n compile
	-$(BIN)/python -m mynumber.i18n check

compile-messages: $(STAMP)  ## the .po catalogues to .mo (the install does it too)
	$(BIN)/python -m mynumber.i18n compile

serve: $(STAMP)  ## start the service on SQLite with demo data at http://127.0.0.1:8000
	$(BIN)/mynumber serve

sandbox: $(STAMP)  ## the integrators' sandbox (docs/integrators.md): its own data, a clock you move
	$(BIN)/mynumber serve --sandbox

# The client generator pins typer and httpx below the project's: it lives in a venv of its own.
CLIENT_VENV := .venv-client
$(CLIENT_VENV)/bin/openapi-python-client:
	$(PYTHON) -m venv $(CLIENT_VENV)
	$(CLIENT_VENV)/bin/pip install -q 'openapi-python-client==0.29.1'

client: $(STAMP) $(CLIENT_VENV)/bin/openapi-python-client  ## regenerate clients/python from the OpenAPI document
	$(BIN)/python scripts/make_client.py

system-deps:  ## Debian packages the tests use (installed only where missing)
	sh scripts/install-system-deps.sh
	$(BIN)/python -c "import smartcard" 2>/dev/null || $(BIN)/pip install -q -e '.[jpki]'

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# Workers of pytest-xdist (one PostgreSQL database each; a module stays on one worker).
# One more than the cores: a worker waiting on a server it started, on Chromium or on
# PostgreSQL left a core idle 13 % of the run with one a core. On this 2-core machine, fresh
# clones, idle: pytest 4 min 44 s with 2, 3 min 58 s with 3, 4 min 9 s with 4
# (docs/benchmarks.md, "The test suite", eleventh pass).
TEST_WORKERS ?= $(shell expr $$(nproc) + 1)

# The client generator's venv is set-up too (test_client runs the generator): installed by the
# test itself it cost ~12 s of CPU in every fresh clone's run.
# PYTHONDONTWRITEBYTECODE emptied: where the environment sets it, every worker would rewrite
# the assertions of every test module and plugin (~350 modules) again at every run.
# mypy runs beside pytest rather than before it: the workers leave a core idle part of the run
# (waits on servers, Chromium, the last module), which mypy fills. In a fresh clone it costs
# ~4 s of CPU, not ~15: the dependencies' types were analysed at set-up
# (scripts/type_dependencies.py).
# Either failing fails `make test`.
test: $(STAMP) system-deps $(CLIENT_VENV)/bin/openapi-python-client lint  ## every test, on SQLite and PostgreSQL
	$(MAKE) --no-print-directory -j2 typecheck suite

# The tests' temporary files on a RAM file system, where there is one with room (≥ 1 GB free;
# pytest removes each passed test's folder, tmp_path_retention_policy, so a run holds tens of
# MB at once): they write ~2 GB a run (each test's copies of the migrated databases), which on
# this machine's disk (ext4, mounted with discard) cost kernel CPU to write and delete
# (docs/benchmarks.md, fifteenth pass).
TEST_TMPDIR ?= $(shell [ -w /dev/shm ] && df -Pk /dev/shm | awk 'NR == 2 && $$4 >= 1048576 {print "/dev/shm"}')

suite: $(STAMP)
	$(if $(TEST_TMPDIR),TMPDIR=$(TEST_TMPDIR)) PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope

screenshots: $(STAMP) system-deps  ## refresh docs/screenshots with the browser tests
	MYNUMBER_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/e2e

unit: $(STAMP)
	$(BIN)/pytest tests/unit

demo: $(STAMP)
	$(BIN)/mynumber demo

demo-bank: $(STAMP)  ## Sakura Bank, a demo OpenID Connect client, at http://127.0.0.1:8100 (needs make serve)
	PYTHONPATH=src $(BIN)/python -m mynumber_demo_bank --provider http://127.0.0.1:8000 --port 8100

bench: $(STAMP)
	$(BIN)/mynumber bench derive --count 1000000
	$(BIN)/mynumber bench register --count 100000

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
