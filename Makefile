# The README's two commands are `make run` and `make test`; .ci/run calls `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PYTEST_WORKERS ?= 2

.PHONY: run test install preflight lint typecheck checks pytest bench lock clean

# The venv is rebuilt from the hashed lock whenever the lock changes.
$(VENV)/.installed: requirements/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@touch $@

install: $(VENV)/.installed

preflight:
	@$(PYTHON) scripts/preflight.py

run: preflight install
	@mkdir -p var
	$(BIN)/python manage.py ensure_database
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/honcho start -f Procfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

checks: install
	DJANGO_SETTINGS_MODULE=ewtp.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=ewtp.settings.test $(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

pytest: install
	@bash scripts/ensure_browser.sh
	$(BIN)/pytest -n $(PYTEST_WORKERS) --create-db

test: preflight lint typecheck checks pytest

bench: preflight install
	$(BIN)/python -m bench $(ARGS)

# Regenerate the hashed lock after editing requirements/*.in (needs uv: pipx install uv).
# Never add index URLs: the lock must name only the public index's files.
lock:
	uv pip compile --quiet --generate-hashes --python-version 3.11 requirements/base.in -o requirements/base.txt
	uv pip compile --quiet --generate-hashes --python-version 3.11 requirements/dev.in -o requirements/dev.txt

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache
