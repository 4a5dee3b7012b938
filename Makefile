# studyapp: `make run` to try it, `make test` to check it. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: setup run test test-postgres lint format migrations-check bench worker clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "studyapp needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_demo
	@echo "studyapp is serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Test-only npm packages (axe-core for the browser journeys' accessibility check); git-ignored, never served.
node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: setup
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: setup
	$(BIN)/python manage.py bench_review --cards 2000 20000 --reviews-per-card 3 --json
	$(BIN)/python manage.py bench_dashboard --reviews 5500 200000 --json
	$(BIN)/python manage.py bench_class --students 30 300 --cards 2000 --json

worker: setup
	$(BIN)/python manage.py send_reminders
	$(BIN)/python manage.py db_worker

clean:
	rm -rf $(VENV) staticfiles
