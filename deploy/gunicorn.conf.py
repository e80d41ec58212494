"""gunicorn settings for Microblog: `gunicorn -c deploy/gunicorn.conf.py`.

Everything an operator tunes comes from the environment, so the same file
serves systemd, Docker and PaaS hosts (which set PORT and WEB_CONCURRENCY)."""

import os
import subprocess
import sys

wsgi_app = "microblog.wsgi:application"

# PORT is what PaaS routers hand us; GUNICORN_BIND wins when set (e.g. unix:/run/microblog/gunicorn.sock).
bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Worker processes: WEB_CONCURRENCY, else 2 per CPU + 1. Each holds the Lingua
# detector (about 80 MB) once a post is written, so size this to memory too.
workers = int(os.environ.get("WEB_CONCURRENCY") or (2 * (os.cpu_count() or 1) + 1))
# Threads per worker; 1 keeps the sync worker (simple, no shared state between requests).
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request running longer than this is killed and its worker replaced (seconds).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Time a worker gets to finish its requests on restart/stop before it is killed.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Seconds to hold an idle keep-alive connection (behind nginx or a load balancer).
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
    result = subprocess.run([sys.executable, "-m", "microblog.health"], capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["start-up check failed"]
        server.log.error("%s", lines[-1])
        sys.exit(1)
