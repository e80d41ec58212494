#!/usr/bin/env bash
# Production-mode smoke test: DEBUG off, collectstatic, PostgreSQL and Redis on
# 127.0.0.1, gunicorn (2 workers, HTTPS with a throwaway self-signed certificate)
# and a Celery worker as separate processes, then Chromium through the main
# journeys (e2e/smoke_production.py). Both processes are stopped however it ends.
#   SMOKE_DB=microblog_smoke SMOKE_REDIS_DB=14 SMOKE_PORT=8443 bash deploy/smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."

db=${SMOKE_DB:-microblog_smoke}
port=${SMOKE_PORT:-8443}
work=$(mktemp -d)
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    echo "--- gunicorn log (tail)"; tail -n 40 "$work/web.log" 2>/dev/null || true
    echo "--- worker log (tail)"; tail -n 40 "$work/worker.log" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT INT TERM

# The production environment (.env.example) with this machine's services and a fresh secret.
export ENV_FILE="$PWD/.env.example"
export DEBUG=false
export SECRET_KEY
SECRET_KEY=$(.venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))")
export ALLOWED_HOSTS=localhost
export CSRF_TRUSTED_ORIGINS="https://localhost:$port"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
export REDIS_URL="redis://127.0.0.1:6379/${SMOKE_REDIS_DB:-14}"
export EMAIL_URL=consolemail://
export DATA_DIR="$work/data"
export STATIC_ROOT="$work/static"
export GRAVATAR_ENABLED=false
export NOTIFICATIONS_POLL_SECONDS=1
# gunicorn terminates TLS itself here: no proxy in front, so no forwarded headers are trusted.
export BEHIND_PROXY=false
export GUNICORN_BIND="127.0.0.1:$port"
export WEB_CONCURRENCY=2

echo "smoke: fresh database $db and Redis db ${SMOKE_REDIS_DB:-14}"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
redis-cli -h 127.0.0.1 -n "${SMOKE_REDIS_DB:-14}" flushdb >/dev/null

.venv/bin/python manage.py check --deploy --fail-level WARNING
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py compilecatalogs --verbosity 0
.venv/bin/python manage.py collectstatic --no-input -v 0

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

.venv/bin/gunicorn -c deploy/gunicorn.conf.py --certfile "$work/cert.pem" --keyfile "$work/key.pem" \
  >"$work/web.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A microblog worker --loglevel=INFO --concurrency=2 >"$work/worker.log" 2>&1 &
pids+=($!)

for _ in $(seq 50); do
  curl -ksf "https://localhost:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
workers=$(grep -c "Booting worker" "$work/web.log" || true)
echo "smoke: gunicorn up with $workers workers"
[ "$workers" -eq 2 ]

.venv/bin/python e2e/smoke_production.py "https://localhost:$port"
grep -q "succeeded in" "$work/worker.log"   # the export really ran on the separate worker
grep -Eq "transport: +redis://" "$work/worker.log"   # through Redis, not a default broker
echo "smoke: passed"
