# Đồng Hành: `make run` serves the platform with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
UV_VERSION := 0.13.8
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
export UV_NO_PROGRESS := 1

.PHONY: run test lint typecheck pytest browser-deps pdf-fonts pdf-fonts check-deploy translations messages vendor clean help

help:
	@echo "make run           serve http://$(HOST):$(PORT) with demo data (SQLite under ./data)"
	@echo "                   and a background-jobs worker beside the server"
	@echo "make test          lint, type check, unit, integration and browser tests"
	@echo "make check-deploy  Django's deployment checks with production settings"

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.run-installed: requirements.lock | $(BIN)/uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock
	touch $@

$(VENV)/.dev-installed: requirements.lock requirements-dev.lock | $(BIN)/uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock -r requirements-dev.lock
	touch $@ $(VENV)/.run-installed

translations: $(VENV)/.run-installed
	$(BIN)/python manage.py compile_translations

run: $(VENV)/.run-installed translations
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py load_directory_demo
	$(BIN)/python manage.py load_articles
	$(BIN)/python manage.py load_demo_cases
	$(BIN)/python manage.py load_demo_duplicates
	$(BIN)/python manage.py load_demo_programmes
	$(BIN)/python manage.py load_demo_livelihood
	$(BIN)/python manage.py demo_users
	@echo "Đồng Hành: http://$(HOST):$(PORT)/"
	@# The server, and a background-jobs worker beside it (docs/jobs.md); Ctrl-C stops both.
	$(BIN)/python -m tools.serve $(HOST):$(PORT)

# Debian's chromium drives the browser tests; a test tool's own browser download does not work here.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-core >/dev/null; }

# The fonts the PDFs print every script of a person's name with (see donghanh/core/pdf.py):
# DejaVu Sans for Vietnamese, Noto Sans for Thai, Lao, Khmer and Myanmar, WenQuanYi Micro Hei for
# Chinese, Japanese and Korean (Noto's CJK fonts have PostScript outlines, which reportlab cannot
# embed). Without them a PDF still prints, and says which characters it could not.
PDF_FONT_PACKAGES := fonts-dejavu-core fonts-noto-core fonts-wqy-microhei
pdf-fonts:
	@missing=$$(for package in $(PDF_FONT_PACKAGES); do \
		dpkg-query -W -f='$${db:Status-Status}' $$package 2>/dev/null | grep -qx installed || echo $$package; done); \
	[ -z "$$missing" ] || { echo "Installing Debian's fonts for the PDFs:" $$missing; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; }


# Ruff, then the import contracts in .importlinter (layers, cycles), then the house rules
# (tools/houselint); CONTRIBUTING.md explains each check and its output.
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	COLUMNS=120 $(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/python -m tools.houselint

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy .

pytest: $(VENV)/.dev-installed translations browser-deps pdf-fonts
	$(BIN)/pytest -n 2 --create-db $(PYTEST_ARGS)

test: lint typecheck pytest

check-deploy: $(VENV)/.run-installed
	@DONGHANH_ENV=production ALLOWED_HOSTS=donghanh.example.org \
		SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		DATA_ENCRYPTION_KEYS="$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# Regenerate the translation catalogues after changing user-facing strings (needs gettext).
messages: $(VENV)/.dev-installed
	cd donghanh && DJANGO_SETTINGS_MODULE=donghanh.settings PYTHONPATH=.. ../$(BIN)/django-admin makemessages --locale vi --locale en --no-obsolete
	$(BIN)/python manage.py complete_english_catalogues

# Refresh the vendored front-end files from the npm registry (versions pinned in package-lock.json).
vendor:
	npm ci --no-audit --no-fund
	mkdir -p donghanh/static/vendor/htmx tests/browser/vendor/axe-core
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE donghanh/static/vendor/htmx/
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE tests/browser/vendor/axe-core/

clean:
	rm -rf $(VENV) data
