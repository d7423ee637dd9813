# nashra — every install and run step lives here; CI calls only these targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEV    := DJANGO_SETTINGS_MODULE=nashra.settings.dev
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-e2e lint venv node fonts bench-lighthouse bench-http clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

## make node: the development-only npm packages of package.json (fonts, axe-core, vnu-jar)
NODE_STAMP := node_modules/.installed-stamp
node: $(NODE_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $(NODE_STAMP)

## make fonts: the web fonts (Arabic and Latin subsets, regular and bold) and their licences from
## the pinned @fontsource packages into nashra/static/nashra/fonts/, and their @font-face rules
## into site.css (tools/fonts.py; the output is committed, so `make run` needs no npm)
fonts: $(NODE_STAMP)
	$(BIN)/python tools/fonts.py

## make run: embedded SQLite under var/, demo content on first run, site on http://127.0.0.1:8000
## (with the minute scheduler and a task worker beside the dev server)
## (BASE_URL: the address every absolute link carries, written into the Wagtail Site by setup)
run: $(STAMP)
	$(DEV) BASE_URL=http://$(HOST):$(PORT) $(BIN)/nashra setup --demo
	@echo "nashra: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(DEV) $(BIN)/nashra scheduler & s=$$!; $(DEV) $(BIN)/nashra worker & w=$$!; \
	  trap 'kill $$s $$w 2>/dev/null' EXIT INT TERM; \
	  $(DEV) $(BIN)/nashra runserver $(HOST):$(PORT)

## make test: the whole suite (SQLite unless NASHRA_TEST_DATABASE_URL / NASHRA_TEST_REDIS_URL are set)
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check nashra bench
	DJANGO_SETTINGS_MODULE=nashra.settings.test $(BIN)/nashra makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=nashra.settings.test $(BIN)/nashra check
	$(BIN)/pytest

## make test-e2e: only the browser test (Debian's chromium; skipped when missing)
test-e2e: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest -m e2e

## make bench-lighthouse: Lighthouse x3 on home, section and article -> artifacts/lighthouse/
bench-lighthouse: $(STAMP)
	bench/lighthouse.sh

## make bench-http: wrk through nginx and nashra serve at 100,000 stories -> artifacts/http-bench/
## (REUSE=1 PG_DB=... to measure again on a kept database, KEEP=1 to keep the one it builds)
bench-http: $(STAMP)
	@missing=""; command -v wrk >/dev/null || missing="$$missing wrk"; \
	  test -x /usr/sbin/nginx || missing="$$missing nginx-light"; \
	  test -f /usr/lib/nginx/modules/ngx_http_cache_purge_module.so \
	    || missing="$$missing libnginx-mod-http-cache-purge"; \
	  if [ -n "$$missing" ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing \
	      || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; }; \
	  fi
	bench/http_bench.sh

lint: $(STAMP)
	$(BIN)/ruff check nashra bench
	DJANGO_SETTINGS_MODULE=nashra.settings.test $(BIN)/nashra makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=nashra.settings.test $(BIN)/nashra check

clean:
	rm -rf $(VENV) var/static artifacts
