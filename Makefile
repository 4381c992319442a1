# Nghị quyết — two commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install -q --disable-pip-version-check -c constraints.txt
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install install-dev lint pytest-sqlite pytest-postgres messages bench clean

$(BIN)/python:
	PYTHON=$(PYTHON) scripts/ensure-debian.sh venv
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make demo: install, migrate SQLite, load the demo province, serve on http://$(HOST):$(PORT) with the background
## worker (reminders: a scan every REMINDER_SCAN_SECONDS, e-mails through the EMAIL_* settings) beside it; stopping
## the server (Ctrl+C) stops the worker.
REMINDER_SCAN_SECONDS ?= 60
demo: install
	$(BIN)/nghiquyet migrate --noinput -v0
	$(BIN)/nghiquyet seed_demo
	@echo "Mở http://$(HOST):$(PORT) — đăng nhập bằng một tài khoản demo ở trên (mật khẩu: nghiquyet-demo)."
	@echo "Tiến trình nền (nhắc việc, quét mỗi $(REMINDER_SCAN_SECONDS) giây) chạy cùng máy chủ web và dừng theo nó."
	@NGHIQUYET_REMINDER_SCAN_SECONDS=$(REMINDER_SCAN_SECONDS) $(BIN)/nghiquyet worker --no-startup-delay -v1 & \
	worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/nghiquyet runserver $(HOST):$(PORT)

## make test: ruff, then the whole suite on SQLite and on a throw-away PostgreSQL 15
test: install-dev
	scripts/ensure-debian.sh chromium fonts
	$(BIN)/ruff check .
	$(BIN)/nghiquyet makemigrations --check --dry-run -v0
	$(MAKE) --no-print-directory pytest-sqlite
	$(MAKE) --no-print-directory pytest-postgres

pytest-sqlite:
	@echo "== pytest: SQLite =="
	env -u DATABASE_URL $(BIN)/pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

pytest-postgres:
	@echo "== pytest: PostgreSQL 15 =="
	scripts/with-postgres.sh $(BIN)/pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .

## make messages: re-extract every gettext string (Python and templates of all apps under nghiquyet/) into
## nghiquyet/locale/en/LC_MESSAGES/django.po, keep existing translations, warn about untranslated or fuzzy
## entries (they fall back to Vietnamese), then compile django.mo. Commit both the .po and the .mo.
PO_EN := nghiquyet/locale/en/LC_MESSAGES/django.po
messages: install-dev
	cd nghiquyet && ../$(BIN)/nghiquyet makemessages -l en --no-obsolete --no-wrap
	msgfmt --check --statistics -o /dev/null $(PO_EN)
	@if msgfmt --statistics -o /dev/null $(PO_EN) 2>&1 | grep -Eq 'fuzzy|untranslated'; then \
	  echo "warning: untranslated or fuzzy entries fall back to Vietnamese; list them with:"; \
	  echo "  msgattrib --untranslated $(PO_EN); msgattrib --only-fuzzy $(PO_EN)"; fi
	cd nghiquyet && ../$(BIN)/nghiquyet compilemessages -l en

bench: install-dev
	$(BIN)/python bench/bench_tree.py
	$(BIN)/python bench/bench_pages.py
	$(BIN)/python bench/bench_reviews.py
	$(BIN)/python bench/bench_documents.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis

## make bench-rollups: rollups at national scale (SCALE=0.1 by default, 1.0 = full) on SQLite, then PostgreSQL
.PHONY: bench-rollups
SCALE ?= 0.1
bench-rollups: install-dev
	env -u DATABASE_URL $(BIN)/python bench/bench_rollups.py --scale $(SCALE)
	scripts/with-postgres.sh $(BIN)/python bench/bench_rollups.py --scale $(SCALE)
