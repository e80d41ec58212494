# `make run` sets everything up and serves the site; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DEBUG ?= true

.PHONY: run setup test lint migrate static-vendor clean bench

# The dev server, a Celery worker and beat side by side (on the on-disk queue unless REDIS_URL is
# set), as Procfile.dev lists them. honcho starts each in a session of its own and stops them
# together: Ctrl-C or SIGTERM reaches honcho, which sends SIGTERM to each process group once (the
# autoreloader and its server, the worker, beat) and SIGKILL to what is left after 5 s.
# (exec: make waits on honcho itself, not on a shell that would take the signal too.)
PORT ?= 8000
run: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho --procfile Procfile.dev start --port $(PORT)

setup: .env $(VENV)/.installed static-vendor migrate
	$(BIN)/python manage.py compilecatalogs --verbosity 0

# A development .env so that manage.py commands run without extra variables.
.env:
	printf '# Development settings (see .env.example); never use in production.\nDEBUG=true\n' > $@

# Reinstalled only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Front-end libraries come from the npm registry (package-lock.json), copied into static/vendor.
static-vendor: static/vendor/.installed static/vendor/.icons

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	rm -rf static/vendor && mkdir -p static/vendor/bootstrap
	cp -r node_modules/bootstrap/dist/css node_modules/bootstrap/dist/js static/vendor/bootstrap/
	mkdir -p static/vendor/bootstrap-icons static/vendor/htmx
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts static/vendor/bootstrap-icons/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	rm -f static/vendor/.icons
	touch $@

# bootstrap-icons cut down to the icons the templates, scripts and styles name (fonttools, in
# requirements-dev.txt): again whenever one of them changes.
ICON_USERS := $(shell find templates static/js static/css -type f 2>/dev/null)
static/vendor/.icons: static/vendor/.installed $(VENV)/.installed deploy/subset_icons.py $(ICON_USERS)
	$(BIN)/python deploy/subset_icons.py
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

test: $(VENV)/.installed static-vendor lint
	$(BIN)/pytest $(PYTEST_ARGS)

# Load benchmark (bench/README.md): seeds 200,000 posts, serves them with gunicorn and
# drives each page with wrk; flags in BENCH_ARGS, e.g. make bench BENCH_ARGS="--quick".
# It installs nothing: it names what is missing (wrk, or `make setup`) and stops.
bench:
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor var
