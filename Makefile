# The two commands a newcomer needs:
#   make run    set up, migrate, load the demo area and serve it on http://127.0.0.1:8000
#   make test   set up and run every check and test (lint, migrations, unit, browser)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ADDR   ?= 127.0.0.1:8000
TEST_ENV := DJANGO_SETTINGS_MODULE=quality_system.test_settings
# The suite runs on this many processes (pytest-xdist). Each process takes the tests in the order
# pytest-django sorts them (transactional tests, which empty the database, last) and has its own
# test database (and Redis database: tests/conftest.py). TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= 2

.PHONY: run test setup setup-dev worker beat check lint typecheck format benchmark clean

$(BIN)/python:
	bash .ci/bootstrap.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

run: setup
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true SITE_URL=http://$(ADDR) $(BIN)/python manage.py seed_demo
	@echo "Open http://$(ADDR)/ and sign in as admin@demo.example with the password demo-quality-2026"
	DEBUG=true SITE_URL=http://$(ADDR) $(BIN)/python manage.py runserver $(ADDR)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The pure modules and every services and selectors module are type-checked (pyproject.toml).
TYPED := agencies/deadlines.py concerns/spc.py concerns/redaction.py concerns/fingerprints.py reports/board/referrals.py $(sort $(wildcard */services.py */*/services.py */selectors.py */*/selectors.py))

typecheck: setup-dev
	$(BIN)/mypy $(TYPED)

check: setup-dev
	$(TEST_ENV) $(BIN)/python manage.py check
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

test: setup-dev lint typecheck check
	bash .ci/ensure-chromium.sh
	bash .ci/ensure-poppler.sh
	$(BIN)/pytest -n $(TEST_WORKERS) --dist load $(PYTEST_ARGS)

worker: setup
	$(BIN)/celery -A quality_system worker --loglevel=info

beat: setup
	$(BIN)/celery -A quality_system beat --loglevel=info

format: setup-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

benchmark: setup-dev
	$(BIN)/python -m tests.benchmark.run $(BENCH_ARGS)
