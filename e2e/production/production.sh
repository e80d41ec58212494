# Sourced by e2e/production/smoke.sh and bench/load/loadtest.sh: a production-mode Microblog on
# this machine (DEBUG off, .env.example as ENV_FILE, a fresh PostgreSQL database, a
# Redis db, collectstatic, gunicorn with 2 workers and a Celery worker), with a trap
# that stops both processes however the script ends and shows their logs if it failed.
#   production_env NAME DB REDIS_DB PORT   then set what differs, e.g. BEHIND_PROXY
#   production_prepare                     fresh database and Redis db, checks, static files
#   production_start [gunicorn options]    gunicorn + Celery worker; waits for /healthz
# Logs and data go to $work (removed at exit): $work/web.log, $work/worker.log.

work=$(mktemp -d)
pids=()
production_name=production
production_cleanup() {
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
trap production_cleanup EXIT INT TERM

# The production environment (.env.example) with this machine's services and a fresh secret.
production_env() {
  production_name=$1 production_db=$2 production_redis_db=$3 production_port=$4
  export ENV_FILE="$PWD/.env.example"
  export DEBUG=false
  export SECRET_KEY
  SECRET_KEY=$(.venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))")
  export ALLOWED_HOSTS=localhost
  export CSRF_TRUSTED_ORIGINS="https://localhost:$production_port"
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$production_db"
  export REDIS_URL="redis://127.0.0.1:6379/$production_redis_db"
  export EMAIL_URL=consolemail://
  export DATA_DIR="$work/data"
  export STATIC_ROOT="$work/static"
  export GRAVATAR_ENABLED=false
  export GUNICORN_BIND="127.0.0.1:$production_port"
  export WEB_CONCURRENCY=2
  # No stream service unless the script starts one (e2e/production/live.sh): pages poll.
  export STREAM_URL=
}

production_prepare() {
  echo "$production_name: fresh database $production_db and Redis db $production_redis_db"
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $production_db WITH (FORCE)" \
    -c "CREATE DATABASE $production_db"
  redis-cli -h 127.0.0.1 -n "$production_redis_db" flushdb >/dev/null

  .venv/bin/python manage.py check --deploy --fail-level WARNING
  .venv/bin/python manage.py migrate --no-input -v 0
  .venv/bin/python manage.py compilecatalogs --verbosity 0
  # Hashed, compressed static files, unless the caller serves them from the source folders.
  if [ "${STATIC_MANIFEST:-true}" != false ]; then
    .venv/bin/python manage.py collectstatic --no-input -v 0
  fi
}

# gunicorn (extra options, e.g. a certificate, are passed on) and a Celery worker, in
# the background; returns once /healthz answers and both gunicorn workers have booted.
production_start() {
  local scheme=http
  [[ " $* " == *" --certfile "* ]] && scheme=https
  .venv/bin/gunicorn -c deploy/gunicorn.conf.py "$@" >"$work/web.log" 2>&1 &
  pids+=($!)
  .venv/bin/celery -A microblog worker --loglevel=INFO --concurrency=2 >"$work/worker.log" 2>&1 &
  pids+=($!)

  for _ in $(seq 50); do
    curl -ksf "$scheme://localhost:$production_port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  local workers
  workers=$(grep -c "Booting worker" "$work/web.log" || true)
  echo "$production_name: gunicorn up with $workers workers"
  [ "$workers" -eq 2 ]
}
