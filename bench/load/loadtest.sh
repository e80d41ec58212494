#!/usr/bin/env bash
# Load test in production mode (e2e/production/production.sh: DEBUG off, PostgreSQL and Redis on
# 127.0.0.1, gunicorn with 2 workers, a Celery worker): LOAD_USERS seeded members log in
# and use the site for LOAD_SECONDS (bench/load/locustfile.py: timelines, posting, follows,
# messages, search, notification polls), then bench/load/loadtest_report.py prints the
# figures and fails on any 5xx, connection error, unexpected 429, lost or extra post,
# or error in the gunicorn or worker log. About 3 minutes with the defaults; for a quick
# try LOAD_USERS=20 LOAD_SECONDS=30 (under ~30 s the password guesser cannot finish).
#   LOAD_DB=microblog_load LOAD_REDIS_DB=10 LOAD_PORT=8460 LOAD_USERS=100 LOAD_SECONDS=120 bash bench/load/loadtest.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

# shellcheck source=e2e/production/production.sh
source e2e/production/production.sh
port=${LOAD_PORT:-8460}
users=${LOAD_USERS:-100}
seconds=${LOAD_SECONDS:-120}
# Members arriving per second; the ramp-up comes on top of LOAD_SECONDS at full load.
spawn_rate=${LOAD_SPAWN_RATE:-10}
production_env load "${LOAD_DB:-microblog_load}" "${LOAD_REDIS_DB:-10}" "$port"
# Links in mail (confirmation, export) point at this run, not at .env.example's example host.
export SITE_URL="http://localhost:$port"
# As in production behind nginx (.env.example): TLS ends at the proxy, which passes on
# X-Forwarded-Proto and appends the client's address to X-Forwarded-For. The locustfile
# sends what nginx would, each member from an address of its own.
export BEHIND_PROXY=true
export TRUSTED_PROXY_COUNT=1
export NOTIFICATIONS_POLL_SECONDS=${NOTIFICATIONS_POLL_SECONDS:-5}
# Members fetch pages, not static files (a browser has them cached, and nginx or WhiteNoise
# serve them without Django): skip collectstatic, which takes minutes on a busy machine.
export STATIC_MANIFEST=false
production_prepare
echo "load: prepared (${SECONDS}s)"

# Demo members with the published password (seed refuses with DEBUG off unless forced; this
# database was created above for this run). One more than the load: the guesser's target.
# seed rebuilds the search index too.
.venv/bin/python manage.py seed --force --users "$((users + 1))" --posts 3000 --seed 8 -v 0 >/dev/null
# Members come back with the session their browser kept, as most do on a real site: the
# session is made here as logging in makes it (Client.force_login: auth.login, a row in the
# session table). Every fifth member logs in through the form instead: 100 Argon2 checks at
# once would hold both workers for most of a minute, which is a login storm, not this test.
.venv/bin/python manage.py shell -v 0 -c "
import json
from django.conf import settings
from django.test import Client
from accounts.models import User
members = []
for user in User.objects.order_by('pk'):
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    members.append({'username': user.username, 'id': user.pk, 'session': session})
json.dump({'cookie': settings.SESSION_COOKIE_NAME, 'members': members[:-1]}, open('$work/members.json', 'w'))
print(members[-1]['username'])
" >"$work/target"
export LOAD_MEMBERS_FILE="$work/members.json"
export LOAD_GUESS_TARGET
LOAD_GUESS_TARGET=$(cat "$work/target")
export LOAD_RESULTS_FILE="$work/results.json"
export LOAD_ORIGIN="https://localhost:$port"
# Posts before the run: all of them the seed's.
export LOAD_POSTS_BEFORE
LOAD_POSTS_BEFORE=$(.venv/bin/python manage.py shell -v 0 -c "from posts.models import Post; print(Post.objects.count())")
export LOAD_STARTED
LOAD_STARTED=$(date +%s)
echo "load: seeded $((users + 1)) members (${SECONDS}s)"

production_start

ramp=$(((users + spawn_rate - 1) / spawn_rate))
echo "load: $users members (+1 guesser), $spawn_rate arriving a second, ${seconds}s at full load"
# locust exits 1 when any request failed; the report says which, so go on to it.
.venv/bin/locust -f bench/load/locustfile.py --headless --host "http://localhost:$port" \
  --users "$((users + 1))" --spawn-rate "$spawn_rate" --run-time "$((seconds + ramp))s" \
  --stop-timeout 10 --csv "$work/stats" --only-summary --loglevel WARNING >"$work/locust.log" 2>&1 \
  || { echo "load: locust reported failures (the report below says which)"; tail -n 20 "$work/locust.log"; }
echo "load: run over (${SECONDS}s)"
# Let the Celery worker finish what the last posts queued before counting and stopping it.
sleep 2
# Keep the logs and locust's CSV when asked (the work folder goes at exit).
if [ -n "${LOAD_LOG_DIR:-}" ]; then
  mkdir -p "$LOAD_LOG_DIR"
  cp "$work"/*.log "$work"/*.csv "$work/results.json" "$LOAD_LOG_DIR"/
fi
LOAD_WEB_LOG="$work/web.log" LOAD_WORKER_LOG="$work/worker.log" LOAD_STATS="$work/stats_stats.csv" \
  .venv/bin/python bench/load/loadtest_report.py
