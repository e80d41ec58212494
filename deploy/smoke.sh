#!/usr/bin/env bash
# Production-mode smoke test: DEBUG off, collectstatic, PostgreSQL and Redis on
# 127.0.0.1, gunicorn (2 workers, HTTPS with a throwaway self-signed certificate)
# and a Celery worker as separate processes, then Chromium through the main
# journeys (e2e/smoke_production.py). Both processes are stopped however it ends.
#   SMOKE_DB=microblog_smoke SMOKE_REDIS_DB=14 SMOKE_PORT=8443 bash deploy/smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=deploy/production.sh
source deploy/production.sh
port=${SMOKE_PORT:-8443}
production_env smoke "${SMOKE_DB:-microblog_smoke}" "${SMOKE_REDIS_DB:-14}" "$port"
export NOTIFICATIONS_POLL_SECONDS=1
# gunicorn terminates TLS itself here: no proxy in front, so no forwarded headers are trusted.
export BEHIND_PROXY=false
production_prepare

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
production_start --certfile "$work/cert.pem" --keyfile "$work/key.pem"

.venv/bin/python e2e/smoke_production.py "https://localhost:$port" "$work/worker.log"
grep -q "succeeded in" "$work/worker.log"   # the export really ran on the separate worker
grep -Eq "transport: +redis://" "$work/worker.log"   # through Redis, not a default broker
echo "smoke: passed"
