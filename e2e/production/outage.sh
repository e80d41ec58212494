#!/usr/bin/env bash
# Redis outage drill with real processes: a private redis-server (broker and cache),
# gunicorn (one worker, so timings are steady), a Celery worker and Celery beat on PostgreSQL. Redis is killed while a member
# browses, posts and starts an export; then it starts again on the same port and beat's
# outbox sweep must get the saved export run: one file, one email, an empty outbox.
#   OUTAGE_DB=microblog_outage OUTAGE_PORT=8471 OUTAGE_REDIS_PORT=6391 bash e2e/production/outage.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

db=${OUTAGE_DB:-microblog_outage}
port=${OUTAGE_PORT:-8471}
redis_port=${OUTAGE_REDIS_PORT:-6391}
work=$(mktemp -d)
pids=()
redis_pid=
cleanup() {
  local status=$?
  [ -n "$redis_pid" ] && kill -KILL "$redis_pid" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    for log in web worker beat; do echo "--- $log log (tail)"; tail -n 30 "$work/$log.log" 2>/dev/null || true; done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT INT TERM

start_redis() {
  redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >>"$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "outage: redis-server did not start on port $redis_port"; return 1
}
sql() { psql -h 127.0.0.1 -U postgres -d "$db" -tAc "$1"; }
wait_for() {  # wait_for SECONDS SQL EXPECTED
  for _ in $(seq $(($1 * 5))); do [ "$(sql "$2")" = "$3" ] && return; sleep 0.2; done
  echo "outage: after $1 s, '$2' is '$(sql "$2")', not '$3'"; return 1
}

export ENV_FILE=/dev/null DEBUG=true SECRET_KEY=outage-drill ALLOWED_HOSTS=127.0.0.1
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
export DATA_DIR="$work/data" EMAIL_URL="filemail:///$work/mail"
export OUTBOX_FLUSH_SECONDS=2 GUNICORN_BIND="127.0.0.1:$port" WEB_CONCURRENCY=1

echo "outage: fresh database $db, private Redis on port $redis_port"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
start_redis
.venv/bin/python manage.py migrate --no-input -v 0
.venv/bin/python manage.py shell -c "
from accounts.models import User
from posts.models import Post
member = User.objects.create_user('drill', 'drill@example.com', 'a-long-drill-password')
Post.objects.bulk_create(Post(author=member, body=f'post {n}') for n in range(500))"

.venv/bin/gunicorn -c deploy/gunicorn.conf.py >"$work/web.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A microblog worker --loglevel=INFO --concurrency=1 >"$work/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A microblog beat --loglevel=INFO >"$work/beat.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

# The member's browser: logs in while Redis is up, then carries on through the outage.
browse() {
  .venv/bin/python - "$1" "http://127.0.0.1:$port" "$work/cookies.json" <<'PY'
import json, re, sys, time
import requests

phase, site, cookies = sys.argv[1:]
session = requests.Session()

def timed(method, path, **kwargs):
    started = time.monotonic()
    response = session.request(method, site + path, timeout=30, **kwargs)
    seconds = time.monotonic() - started
    print(f"outage: {phase}: {method} {path} -> {response.status_code} in {seconds:.2f} s")
    assert response.status_code == 200 and seconds < 3, (path, response.status_code, seconds)
    return response

def csrf(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)

if phase == "login":
    page = timed("GET", "/accounts/login/")
    timed("POST", "/accounts/login/", data={"login": "drill", "password": "a-long-drill-password", "csrfmiddlewaretoken": csrf(page)})
    # A first post while Redis is up loads the language detector, so the timings below are the outage's.
    timed("POST", "/", data={"body": "Warming up", "csrfmiddlewaretoken": csrf(timed("GET", "/"))})
    json.dump(session.cookies.get_dict(), open(cookies, "w"))
else:
    session.cookies.update(json.load(open(cookies)))
    for path in ["/", "/explore/", "/user/drill/", "/messages/"]:
        timed("GET", path)
    home = timed("POST", "/", data={"body": "Posted while Redis was down", "csrfmiddlewaretoken": csrf(timed("GET", "/"))})
    assert "Posted while Redis was down" in home.text
    profile = timed("GET", "/user/drill/")
    answer = timed("POST", "/export/", data={"csrfmiddlewaretoken": csrf(profile)})
    assert "your export is saved and will start when it is back" in answer.text, answer.text[:2000]
PY
}

browse login
echo "outage: killing redis-server"
kill -KILL "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; redis_pid=
browse down
[ "$(sql "SELECT count(*) FROM messaging_outboxtask WHERE task = 'posts.tasks.posts_export'")" = 1 ]
[ "$(sql "SELECT complete FROM messaging_job")" = f ]
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" = 503 ]   # says why

echo "outage: restarting redis-server on the same port"
start_redis
wait_for 60 "SELECT progress || ' ' || complete || ' ' || error FROM messaging_job" "100 true "
wait_for 30 "SELECT count(*) FROM messaging_outboxtask" 0
for _ in $(seq 50); do [ -n "$(ls -A "$work/mail" 2>/dev/null)" ] && break; sleep 0.2; done
sleep 3   # room for a duplicate to show up
exports=$(find "$work/data/jobs/exports" -type f | wc -l)
emails=$(cat "$work/mail"/* | grep -c "^Subject: Your Microblog posts" || true)
echo "outage: after the restart: $exports export file(s), $emails export email(s)"
[ "$exports" -eq 1 ] && [ "$emails" -eq 1 ]
grep -q "Sending due task outbox-flush" "$work/beat.log"   # beat, not a test, sent the sweep
grep -q "Published 1 task(s) from the outbox\|Published [0-9]* task(s) from the outbox" "$work/worker.log"
echo "outage: passed"
