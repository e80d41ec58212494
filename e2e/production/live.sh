#!/usr/bin/env bash
# Live updates in production mode: gunicorn (the pages), the stream service (uvicorn,
# Server-Sent Events) and a Celery worker as separate processes on PostgreSQL and a private
# redis-server, then Chromium as two members (e2e/production/live_production.py): a message
# lights the other's badge within a second with no poll, a post raises the "new posts"
# button, an export's progress comes from the worker; then the stream service is stopped
# and the pages fall back to polling, and when it is back they use the stream again.
# Every process is stopped however it ends.
#   LIVE_DB=microblog_live LIVE_PORT=8472 bash e2e/production/live.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

# shellcheck source=e2e/production/production.sh
source e2e/production/production.sh
port=${LIVE_PORT:-8472}
stream_port=$((port + 1))
redis_port=${LIVE_REDIS_PORT:-$((port + 2))}
redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$work" >"$work/redis.log" 2>&1 &
pids+=($!)
production_env live "${LIVE_DB:-microblog_live}" 0 "$port"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
production_prepare
# Plain HTTP on localhost (no TLS terminator here), after `check --deploy` has passed on the
# production settings; the stream service listens on the next port of the same host.
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0
export CSRF_TRUSTED_ORIGINS="http://localhost:$port"
export STREAM_URL=":$stream_port/stream/" STREAM_ALLOWED_ORIGINS="http://localhost:$port"
# Slow polling: a badge that changes within a second came through the stream.
export NOTIFICATIONS_POLL_SECONDS=3
export ACCOUNT_EMAIL_VERIFICATION=none
production_start

start_stream() {
  .venv/bin/uvicorn microblog.asgi:application --host 127.0.0.1 --port "$stream_port" --lifespan off \
    --ws none --no-access-log --timeout-graceful-shutdown 1 >>"$work/stream.log" 2>&1 &
  stream_pid=$!
  pids+=("$stream_pid")
  for _ in $(seq 50); do curl -sf "http://localhost:$stream_port/healthz" >/dev/null 2>&1 && return; sleep 0.2; done
  echo "live: the stream service did not start"; tail -n 40 "$work/stream.log"; return 1
}
start_stream
echo "live: stream service up on $stream_port"

# ada and ben (who follows ada), and enough of ada's posts to scroll ben's home timeline.
.venv/bin/python manage.py shell -c "
from accounts.models import Follow, User
from posts.models import Post
ada = User.objects.create_user('ada', 'ada@example.com', 'a-long-Live-secret-42')
ben = User.objects.create_user('ben', 'ben@example.com', 'a-long-Live-secret-42')
Follow.objects.create(follower=ben, followed=ada)
Post.objects.bulk_create(Post(author=ada, body=f'Older post number {n}') for n in range(30))
"

# The script asks for the stream to stop (a file appears) and to start again.
control="$work/control"
mkfifo "$control"
.venv/bin/python e2e/production/live_production.py "http://localhost:$port" "$control" &
driver=$!
while read -r command <"$control"; do
  case "$command" in
    stop) kill -TERM "$stream_pid"; wait "$stream_pid" 2>/dev/null || true; echo "live: stream service stopped" ;;
    start) start_stream; echo "live: stream service started again" ;;
    done) break ;;
  esac
done
wait "$driver"
grep -q "succeeded in" "$work/worker.log"   # the export ran on the separate worker
echo "live: passed"
