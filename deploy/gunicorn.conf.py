"""gunicorn settings for Microblog: `gunicorn -c deploy/gunicorn.conf.py`.

Everything an operator tunes comes from the environment, so the same file
serves systemd, Docker and PaaS hosts (which set PORT and WEB_CONCURRENCY)."""

import json
import os
import subprocess
import sys
from http import HTTPStatus

import gunicorn.util
import gunicorn.workers.gthread

wsgi_app = "microblog.wsgi:application"

# PORT is what PaaS routers hand us; GUNICORN_BIND wins when set (e.g. unix:/run/microblog/gunicorn.sock).
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Worker processes: WEB_CONCURRENCY, else 2 per CPU + 1. Each holds the Lingua
# detector (about 80 MB) once a post is written, so size this to memory too.
workers = int(os.environ.get("WEB_CONCURRENCY") or (2 * (os.cpu_count() or 1) + 1))
# Threaded workers: a connection that is idle, or sends its headers slowly, holds a thread
# (or waits in the worker's poller), never a whole worker. With the sync worker, as many
# idle connections as workers stalled the site (issue 21, item 4). Without a buffering
# proxy in front (docker-compose publishes gunicorn's port), this is what keeps it up.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# Threads per worker (each may hold a database connection).
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# gthread gives a new connection a thread for up to 5 s (a module constant, no setting)
# to send its first bytes before parking it in the poller: 50 idle connections then held
# every thread for seconds at a time. A real client's request arrives with the connection;
# one that has sent nothing after this many seconds waits in the poller instead. (The same
# constant bounds draining an unread request body before reusing a kept-alive connection.)
gunicorn.workers.gthread.DEFAULT_WORKER_DATA_TIMEOUT = float(os.environ.get("GUNICORN_FIRST_BYTE_WAIT", "0.1"))


def write_error(sock, status_int, reason, mesg):
    """gunicorn's own answers to requests it cannot parse (414 URI too long, 431/400
    header too large...), which Django never sees: in the API's JSON error shape (the
    path may be under /api/ and cannot be told: the request line is what failed) and
    with the security headers Django adds to its own answers, instead of bare HTML."""
    phrase = HTTPStatus(status_int).phrase if status_int in HTTPStatus._value2member_map_ else reason
    body = json.dumps({"error": phrase, "message": mesg or reason}).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        "X-Frame-Options: DENY\r\n"
        "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
        "Referrer-Policy: same-origin\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    gunicorn.util.write_nonblock(sock, head.encode("latin-1") + body)


# Workers call gunicorn.util.write_error by module attribute; there is no setting for it.
gunicorn.util.write_error = write_error

# A request running longer than this is killed and its worker replaced (seconds).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Time a worker gets to finish its requests on restart/stop before it is killed.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Seconds to hold an idle keep-alive connection, and (gthread) a new connection that has
# not sent its request yet; 0 would close those at once, so slow starters too. nginx
# speaks HTTP/1.0 upstream (one request per connection) unless told otherwise.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so that slow memory growth never accumulates.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10

# Logs on stdout/stderr: journald, docker logs and PaaS log drains collect them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client address as nginx forwards it; duration in milliseconds at the end.
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# Proxies whose X-Forwarded-* headers are believed (nginx on the same host by default).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Heartbeat files in memory, not on a container's overlay filesystem.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"


# gunicorn's control socket (gunicornc) is not used; without it no file is written
# under the service user's home, and two instances on one host never collide.
control_socket_disable = True


def on_starting(server):
    """Refuse to start, with one line, when the configuration or the database is wrong.

    Without this, every worker would fail on boot or on its first request with a
    traceback while gunicorn kept restarting them. The check runs in a child
    process so that the master never imports Django: a HUP after a deployment
    then gives workers the new code."""
    result = subprocess.run([sys.executable, "-m", "core.health"], capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["start-up check failed"]
        server.log.error("%s", lines[-1])
        sys.exit(1)
