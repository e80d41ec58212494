# `make run` sets everything up and serves the site; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DEBUG ?= true

.PHONY: run setup test lint migrate static-vendor clean bench

# The dev server and a Celery worker side by side (on the on-disk queue unless REDIS_URL is set),
# the worker with beat inside (-B: the outbox sweep); Ctrl-C stops both.
run: setup
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A microblog worker -B --loglevel=INFO --concurrency=2 & \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

setup: .env $(VENV)/.installed static/vendor/.installed migrate
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
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	rm -rf static/vendor && mkdir -p static/vendor/bootstrap
	cp -r node_modules/bootstrap/dist/css node_modules/bootstrap/dist/js static/vendor/bootstrap/
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

test: $(VENV)/.installed static/vendor/.installed lint
	$(BIN)/pytest $(PYTEST_ARGS)

# Load benchmark (README, "Benchmarks"): seeds 200,000 posts, serves them with gunicorn and
# drives each page with wrk; flags in BENCH_ARGS, e.g. make bench BENCH_ARGS="--quick".
# It installs nothing: it names what is missing (wrk, or `make setup`) and stops.
bench:
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor var
