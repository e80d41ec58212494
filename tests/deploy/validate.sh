#!/usr/bin/env bash
# Checks the deployment files as far as a machine without a Docker engine or
# internet access can: hadolint on the Dockerfile, `docker-compose config` on the
# compose file (syntax, anchors, variable substitution), and the Procfile's and
# systemd units' commands against what exists in the repository. No image is built.
set -euo pipefail
cd "$(dirname "$0")/../.."

echo "hadolint Dockerfile"
.venv/bin/hadolint Dockerfile

echo "docker compose config"
if docker compose version >/dev/null 2>&1; then compose=(docker compose); else compose=(docker-compose); fi
# Validate in a scratch folder with .env.example as the .env the compose file reads.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp docker-compose.yml "$scratch/"
cp .env.example "$scratch/.env"
(cd "$scratch" && "${compose[@]}" config --quiet && "${compose[@]}" --profile search config --services | sort | tr '\n' ' ')
echo

echo "Procfile and units name real entry points"
grep -q '^web: gunicorn -c deploy/gunicorn.conf.py$' Procfile
grep -q '^release: python manage.py migrate --no-input$' Procfile
for unit in deploy/systemd/*.service; do
  grep -q '^ExecStart=/srv/microblog/.venv/bin/' "$unit"
done
.venv/bin/python - <<'PY'
import runpy
config = runpy.run_path("deploy/gunicorn.conf.py")
assert config["wsgi_app"] == "microblog.wsgi:application" and config["accesslog"] == "-", config
PY
echo "deployment files OK"
