#!/usr/bin/env bash
# Production-mode smoke test: DEBUG off, collectstatic, PostgreSQL and Redis on
# 127.0.0.1, gunicorn (2 workers, HTTPS with a throwaway self-signed certificate)
# and a Celery worker as separate processes, then Chromium through the main
# journeys (e2e/production/smoke_production.py). Both processes are stopped however it ends.
# The port's one default is here (SMOKE_PORT); the Python script is given the URL.
#   SMOKE_DB=microblog_smoke SMOKE_REDIS_DB=14 SMOKE_PORT=8443 bash e2e/production/smoke.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

# shellcheck source=e2e/production/production.sh
source e2e/production/production.sh
port=${SMOKE_PORT:-8443}
production_env smoke "${SMOKE_DB:-microblog_smoke}" "${SMOKE_REDIS_DB:-14}" "$port"
# Links in mail (confirmation, export) point at this run, not at .env.example's example host.
export SITE_URL="https://localhost:$port"
export NOTIFICATIONS_POLL_SECONDS=1
# gunicorn terminates TLS itself here: no proxy in front, so no forwarded headers are trusted.
export BEHIND_PROXY=false
production_prepare

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
production_start --certfile "$work/cert.pem" --keyfile "$work/key.pem"

.venv/bin/python e2e/production/smoke_production.py "https://localhost:$port" "$work/worker.log"
grep -q "succeeded in" "$work/worker.log"   # the export really ran on the separate worker
grep -Eq "transport: +redis://" "$work/worker.log"   # through Redis, not a default broker
echo "smoke: passed"
