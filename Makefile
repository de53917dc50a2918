# Set-up and everyday commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install test lint format check clean bench eval messages fuzz load

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# A local development environment: DEBUG on, a random secret key, SQLite. Never committed.
.env:
	@$(PYTHON) -c "import secrets; print('DEBUG=1'); print('SECRET_KEY=' + secrets.token_urlsafe(50))" > .env
	@echo "Wrote .env (DEBUG=1, a new random SECRET_KEY, SQLite database db.sqlite3)"

## run: install, migrate, load the demo data, create an editor and serve http://127.0.0.1:8000
run: install .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py create_editor
	PORT=$(PORT) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: install and run the whole test suite (SQLite, or DATABASE_URL when set)
test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## browser: Debian's Chromium for the browser tests (tests/browser), installed when missing
.PHONY: browser
CHROMIUM ?= /usr/bin/chromium
browser:
	@[ -x "$(CHROMIUM)" ] || { \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "Installing Debian's chromium for the browser tests"; \
		$$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends chromium; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## check: Django's system checks and the migrations-are-up-to-date check
check: install
	SECRET_KEY=check $(BIN)/python manage.py check
	SECRET_KEY=check $(BIN)/python manage.py makemigrations --check --dry-run

## bench: time the entity suggestions on a synthetic 50,000-person gazetteer, then the site
## with 100,000 synthetic meetings on SQLite and PostgreSQL (server times beside the admin,
## gunicorn throughput with wrk, worker memory); throwaway databases. BENCH_ARGS for options.
bench: install wrk
	DJANGO_SETTINGS_MODULE=diplomacy.settings_test $(BIN)/python manage.py bench_suggestions --fresh-db
	SECRET_KEY=bench ENV_FILE= $(BIN)/python manage.py bench_site $(BENCH_ARGS)

## wrk: Debian's HTTP load tool for the benchmark, installed when missing
.PHONY: wrk
wrk:
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "Installing Debian's wrk for the benchmark"; \
		$$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends wrk; }

## eval: measure the entity suggestions and the meeting drafts against the labelled seed
## articles (throwaway database); fails below a target
eval: install
	DJANGO_SETTINGS_MODULE=diplomacy.settings_test $(BIN)/python manage.py evaluate_suggestions --fresh-db --check
	DJANGO_SETTINGS_MODULE=diplomacy.settings_test $(BIN)/python manage.py evaluate_drafts --fresh-db --check

## messages: collect the translatable strings into locale/vi/LC_MESSAGES/django.po and compile
## them into django.mo (needs GNU gettext); translate the new entries, run it again, commit both
messages: install
	SECRET_KEY=messages ENV_FILE= $(BIN)/python manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=artifacts
	SECRET_KEY=messages ENV_FILE= $(BIN)/python manage.py compilemessages -l vi --ignore=.venv --ignore=staticfiles --ignore=artifacts

## fuzz: hostile input at every public URL, the admin of every model (as a publisher) and
## import_record (FUZZ_EXAMPLES per test; 500 here, 100 in `make test`)
FUZZ_TESTS := tests/test_fuzz.py tests/diplomacy/test_admin_fuzz.py tests/diplomacy/test_import_fuzz.py
fuzz: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-500} $(BIN)/python -m pytest $(FUZZ_TESTS) $(PYTEST_ARGS)

## load: gunicorn, 50 readers for 60 s and an editor saving in the admin, on SQLite then PostgreSQL
load: install
	SECRET_KEY=loadtest ENV_FILE= $(BIN)/python manage.py loadtest $(LOAD_ARGS)
	SECRET_KEY=loadtest ENV_FILE= $(BIN)/python manage.py loadtest --postgres $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
