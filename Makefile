# Styrdok developer tasks. Start with `make run` or `make test`; `make help` lists the rest.
#
# Every target that runs Python first makes sure .venv exists and holds the versions pinned in
# pyproject.toml: the virtualenv is created with the machine's python3 when it is missing, and
# the pinned dependencies are (re)installed whenever pyproject.toml is newer than the stamp file.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.styrdok-installed

PORT ?= 8000
# Optional: another demo file for `make run`, e.g. `make run DEMO_FIXTURE=/tmp/mini.json`.
DEMO_FIXTURE ?=
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-x -k register"`.
PYTEST_ARGS ?=
# Extra arguments for one benchmark, e.g. `make bench-pages BENCH_ARGS="--sizes 200,2000 --repeat 9"`.
BENCH_ARGS ?=
# The PostgreSQL server the benchmarks run on; each creates and drops test_styrdok_bench_<name>.
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432
# The database `make test-postgres` runs the suite against; pytest-django creates and drops
# test_<name> itself, the database named here need not exist.
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/styrdok

DEV_SETTINGS := styrdok.settings.dev
TEST_SETTINGS := styrdok.settings.test

.DEFAULT_GOAL := help
.PHONY: help venv lock chromium java pdf-libs oidc-provider screenshots run mail test test-postgres postgres lint format check bench bench-pages bench-search bench-pdf bench-reminders bench-reports bench-kvittens bench-throughput search-eval clean-db

# Debian's Chromium drives the browser tests (Playwright never downloads a browser here).
CHROMIUM ?= /usr/bin/chromium

help:
	@echo "Styrdok – vanliga kommandon"
	@echo "  make run            skapa .venv, migrera, läs in demodata och starta på port $(PORT)"
	@echo "  make lock           lås alla beroenden (även indirekta) i requirements.lock efter en ändring i pyproject.toml"
	@echo "  make mail           visa e-post som utvecklingsservern har skickat (var/mail/), nyast först"
	@echo "  make screenshots    ta README:ns skärmbilder från en tillfällig demo i Chromium (docs/screenshots/)"
	@echo "  make oidc-provider  installera OIDC-testleverantören (Node) för SSO-testerna"
	@echo "  make test           kör testsviten (SQLite, eller DATABASE_URL om den är satt); SLOW=1 tar med webbläsartesterna"
	@echo "  make test-postgres  kör testsviten mot PostgreSQL på 127.0.0.1:5432"
	@echo "  make lint           ruff check + ruff format --check + lagerkontraktet (lint-imports)"
	@echo "  make format         ruff check --fix + ruff format"
	@echo "  make check          Djangos systemkontroller, migrationskontroll och check --deploy"
	@echo "  make bench          kör alla mätningar nedan efter varandra på PostgreSQL (under 10 minuter)"
	@echo "  make bench-pages    dokumentsida, register och API mot en bar Wagtail-sida vid 200, 2 000 och 10 000 dokument"
	@echo "  make bench-search   sökningen (/sok/) mot en indexerad tsquery"
	@echo "  make bench-pdf      arkiv-PDF för en lång riktlinje och årsrapporten"
	@echo "  make bench-reminders påminnelsekörningen vid 1 000 och 10 000 dokument"
	@echo "  make bench-reports  årlig genomgång, Beslutsärenden, Revisionsplan och översikten mot en Wagtail-rapport"
	@echo "  make bench-kvittens kvittensläget vid 1 000 × 20 och 10 000 × 200 (personal × dokument) mot en Wagtail-rapport"
	@echo "  make bench-throughput anrop per sekund under gunicorn (3 arbetare, produktionsinställningar)"
	@echo "  make bench-importing massimporten (zip + CSV) vid 20 och 200 rader mot Wagtails add_child + save_revision"
	@echo "  make search-eval    sökningens träffsäkerhet på 170 bedömda frågor, SQLite och PostgreSQL, mot vanlig PG-fulltextsökning"
	@echo "  make clean-db       ta bort den lokala utvecklingsdatabasen db.sqlite3"

# -- the virtualenv ---------------------------------------------------------------------------

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet --constraint requirements.lock ".[dev]"
	@rm -rf build styrdok.egg-info  # pip's in-tree build leftovers
	@touch $@

venv: $(STAMP)

# Pins every dependency, transitive ones included, as pyproject.toml resolves today: a fresh
# virtualenv installs the project and pip freeze writes what it got.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet ".[dev]"
	@rm -rf build styrdok.egg-info
	{ sed -n '1,3p' requirements.lock; .lock-venv/bin/python -m pip freeze | grep -v '^styrdok'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf .lock-venv

# Installs Chromium from Debian's packages when it is missing and we are root (as in CI);
# otherwise the browser tests are skipped with a message saying why.
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installerar Chromium för webbläsartesterna"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Chromium saknas ($(CHROMIUM)): webbläsartesterna hoppas över. Installera paketet chromium."; \
		fi; \
	fi

# The Nu HTML Checker (tests/channels/test_html_validity.py) runs on Java: installs a headless
# runtime from Debian's packages when none is there and we are root (as in CI).
java:
	@if ! command -v java >/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installerar Java för HTML-kontrollen (vnu)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
		else \
			echo "Java saknas: HTML-kontrollen hoppas över. Installera paketet default-jre-headless."; \
		fi; \
	fi

# WeasyPrint (archival PDFs) needs Pango and a font with å, ä and ö, and HarfBuzz's subsetter:
# without it WeasyPrint subsets fonts with fontTools, which stamps the current time into each
# embedded font, so a re-rendered PDF would not be byte-identical to the stored one. Installs
# them from Debian's packages when they are missing and we are root (as in CI).
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-libs:
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! ldconfig -p | grep -q 'libharfbuzz-subset.so.0' || ! fc-list 2>/dev/null | grep -q 'DejaVu Sans'; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installerar Pango och DejaVu-typsnitten för PDF:erna"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; \
		else \
			echo "Pango eller DejaVu saknas: installera paketen $(PDF_PACKAGES) (PDF:erna kräver dem)."; \
			exit 1; \
		fi; \
	fi

# -- running ----------------------------------------------------------------------------------

# The port goes to setup (which writes it into the two Wagtail sites) and to the server, so the
# links in e-mails and the calendar feed point at the port the server listens on.
RUN_ENV = DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) STYRDOK_SITE_PORT=$(PORT)

run: $(STAMP) pdf-libs
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py setup_styrdok
	$(RUN_ENV) $(PY) manage.py load_demo $(if $(DEMO_FIXTURE),--fixture "$(DEMO_FIXTURE)")
	@echo
	@echo "Extern webbplats: http://localhost:$(PORT)/"
	@echo "Intranät:         http://intranet.localhost:$(PORT)/   (curl -H 'Host: intranet.localhost' http://127.0.0.1:$(PORT)/)"
	@echo "Administration:   http://intranet.localhost:$(PORT)/admin/"
	@echo
	$(RUN_ENV) $(PY) manage.py runserver 0.0.0.0:$(PORT)

# The e-mail `make run` has sent (written to var/mail/ by the dev settings), newest first.
mail: $(STAMP)
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py visa_epost

# The README's tour pictures, taken from a throwaway demo in Chromium (scripts/screenshots.py);
# load_demo renders the archival PDFs, hence pdf-libs.
screenshots: $(STAMP) pdf-libs chromium
	$(PY) scripts/screenshots.py

# The OpenID Connect provider the SSO tests start (Node, panva's oidc-provider); the test
# fixture runs the same `npm ci` itself when it is missing.
oidc-provider:
	cd tests/oidc_provider && npm ci --no-audit --no-fund

# -- testing ----------------------------------------------------------------------------------

# The browser tests (marker "browser": real Chromium, a few minutes) run with SLOW=1, which
# .ci/run passes, or whenever CI is set; a plain local `make test` skips them to stay quick.
SLOW ?= $(if $(CI),1,)
BROWSER_ARGS := $(if $(SLOW),,-m "not browser")
# pytest-xdist: one worker per core, each test file on one worker (so a module builds its shared
# data once, tests/shared.py); `make test XDIST=` runs in one process (e.g. to debug).
XDIST ?= -n auto --dist loadfile

test: $(STAMP) pdf-libs chromium java
	@$(if $(SLOW),,echo "Webbläsartesterna hoppas över; kör dem med make test SLOW=1")
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(PY) -m pytest $(XDIST) $(BROWSER_ARGS) $(PYTEST_ARGS)

# Starts the local cluster if it is down (as on the project's machines), then runs the suite.
postgres:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432; then \
		echo "PostgreSQL svarar inte på 127.0.0.1:5432; startar klustret"; \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start || true; \
		for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
		pg_isready -h 127.0.0.1 -p 5432; \
	fi

# Locally the test databases (test_<name>_gw0, …) are kept between runs and only migrated
# forward (--reuse-db); `make test-postgres FRESH=1` builds them anew, as .ci/run always does.
FRESH ?=
test-postgres: $(STAMP) pdf-libs chromium java postgres
	DATABASE_URL=$(POSTGRES_URL) DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) \
		$(PY) -m pytest $(if $(FRESH),--create-db,--reuse-db) $(XDIST) $(BROWSER_ARGS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(STAMP)
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=styrdok.settings.production \
		SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
		$(PY) manage.py check --deploy --fail-level WARNING

# -- benchmarks (docs/performance.md) ---------------------------------------------------------

# `make bench` runs every benchmark in turn with the shorter settings below, so that the whole
# set stays under 10 minutes on a two-core machine; `make bench-<name>` runs one with its own
# defaults (more rounds), plus BENCH_ARGS.
BENCH_QUICK ?=
BENCH_PAGES_QUICK ?= --sizes 200,2000,10000 --repeat 3
BENCH_SEARCH_QUICK ?= --sizes 200,2000,10000 --repeat 2
BENCH_PDF_QUICK ?= --repeat 2
BENCH_REMINDERS_QUICK ?= --quick
BENCH_REPORTS_QUICK ?= --repeat 2 --task-up-to 2000
BENCH_THROUGHPUT_QUICK ?= --quick
bench_db = DATABASE_URL=$(BENCH_POSTGRES)/styrdok_bench_$(1)
bench_args = $(if $(BENCH_QUICK),$(BENCH_$(1)_QUICK)) $(BENCH_ARGS)

bench: $(STAMP) pdf-libs postgres
	@start=$$(date +%s); status=0; \
	$(MAKE) -k --no-print-directory BENCH_QUICK=1 \
		bench-pages bench-search bench-pdf bench-reminders bench-reports bench-throughput || status=$$?; \
	echo "make bench: $$(( $$(date +%s) - start )) s"; exit $$status

bench-pages: $(STAMP) postgres
	$(call bench_db,pages) $(PY) bench/pages.py $(call bench_args,PAGES)

bench-search: $(STAMP) postgres
	$(call bench_db,search) $(PY) bench/search.py $(call bench_args,SEARCH)

bench-pdf: $(STAMP) pdf-libs postgres
	$(call bench_db,pdf) $(PY) bench/pdf.py $(call bench_args,PDF)

bench-reminders: $(STAMP) postgres
	$(call bench_db,reminders) $(PY) bench/reminders.py $(call bench_args,REMINDERS)

bench-reports: $(STAMP) postgres
	$(call bench_db,reports) $(PY) bench/reports.py $(call bench_args,REPORTS)

# Not in `make bench`: building 10,000 staff and 700,000 confirmations takes minutes.
bench-kvittens: $(STAMP) postgres
	$(call bench_db,kvittens) $(PY) bench/kvittens.py $(BENCH_ARGS)

bench-throughput: $(STAMP) postgres
	$(PY) bench/throughput.py --database-url $(BENCH_POSTGRES)/styrdok_bench_throughput \
		$(call bench_args,THROUGHPUT)

bench-importing: $(STAMP) postgres
	$(call bench_db,importing) $(PY) bench/importing.py $(call bench_args,IMPORTING)

clean-db:
	rm -f db.sqlite3

# -- search relevance (bench/search_eval.py) --------------------------------------------------

search-eval: $(STAMP) postgres
	$(PY) bench/search_eval.py --backend both --database-url $(BENCH_POSTGRES)/styrdok_search_eval $(BENCH_ARGS)
