# Two commands on a fresh Debian machine:  make run  /  make test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FLASK := $(VENV)/bin/flask --app server
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_RUN := python3 python3-venv python3-dev gcc
APT_TEST := postgresql chromium poppler-utils fonts-dejavu-core redis-server wrk
HOST ?= 127.0.0.1
PORT ?= 5000
# QR codes, join posters and the printed demo URL point here unless PUBLIC_URL is set.
export PUBLIC_URL ?= http://$(HOST):$(PORT)

.PHONY: install install-test system-run system-test vendor translations messages run test test-fast bench screenshots clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV) || { $(MAKE) system-run && $(PYTHON) -m venv $(VENV); }
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e '.[test]'
	touch $@

install: system-run $(VENV)/.installed vendor translations  ## build .venv with the app

install-test: system-test $(VENV)/.installed-test vendor translations

system-run:  ## Debian packages the app needs (only those missing)
	@missing=""; for p in $(APT_RUN); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

system-test: system-run  ## Debian packages the test suite needs (PostgreSQL, Chromium, pdftoppm)
	@missing=""; for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

translations: $(VENV)/.installed  ## compile the message catalogues (.mo files are built, not committed)
	$(VENV)/bin/pybabel compile -d server/translations

messages: $(VENV)/.installed  ## extract new texts into the catalogue template and merge them into each language
	$(VENV)/bin/pybabel extract -F babel.cfg -k msg -k lazy_gettext -k _l --no-location --sort-output -o server/translations/messages.pot .
	$(VENV)/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -i server/translations/messages.pot -d server/translations

vendor:  ## front-end libraries from npm (optional: the app works without them)
	@bash scripts/vendor.sh || echo "front-end libraries not installed (npm unavailable); maps and camera scanning fall back to manual entry"

run: install  ## migrate, seed the demo once, start the dev server on SQLite
	$(FLASK) db upgrade
	$(FLASK) demo seed
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-test  ## the whole suite on SQLite and PostgreSQL, with browser tests in Chromium
	$(PY) -m pytest -n 2 --dist loadgroup -q $(PYTEST_ARGS)

bench: install-test  ## benchmarks: throughput, bundle size, XLSX and PDF timings
	$(PY) bench/run.py

screenshots: install-test  ## refresh docs/*.png
	$(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache instance/*.sqlite3*
