"""Issue 8, item 10: a Celery worker killed with SIGKILL in the middle of an export.

Real processes: a private redis-server (root conftest's `redis_server`), a prefork worker
(`celery -A microblog worker`) and `manage.py shell`, sharing the test database (PostgreSQL
in the PostgreSQL run) or a migrated SQLite file. The first worker's exports crawl (a pause
at each progress step, patched in before the pool forks), so the test can kill it between
0 and 100 %. The job must then be redelivered and complete with exactly one file (no .part
left) and exactly one email (EMAIL_URL writes mail to files). Skips (CI: fails) without
redis-server.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Seconds before Redis hands an unacknowledged task to another worker (1 hour in production).
VISIBILITY_TIMEOUT = 2

# The patch is made in the main process, so the pool's children inherit it.
SLOW_WORKER = textwrap.dedent(
    """
    import os
    import time
    import django
    django.setup()
    import posts.services
    from microblog.celery import app

    _job_progress = posts.services.job_progress

    def slow_job_progress(**kwargs):
        alive = _job_progress(**kwargs)
        time.sleep(float(os.environ.get("EXPORT_STEP_PAUSE", "0.12")))
        return alive

    posts.services.job_progress = slow_job_progress
    app.worker_main(["worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO"])
    """
)

START_EXPORT = textwrap.dedent(
    """
    from accounts.models import User
    from posts.models import Post
    from posts.services import posts_export_start

    member = User.objects.create_user("killed", "killed@example.com", "a-long-password")
    Post.objects.bulk_create(Post(author=member, body=f"post {n}") for n in range(2000))
    print("JOB", posts_export_start(user=member, site_url="http://localhost:8000/").pk)
    """
)


@pytest.fixture
def processes(redis_server, tmp_path):
    """The environment of the subprocesses, and a reader of a job's (progress, complete, error)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "ENV_FILE", "EMAIL_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="microblog.settings",
        DEBUG="true",
        ENV_FILE="/dev/null",
        DATA_DIR=str(tmp_path),
        REDIS_URL=redis_server.url,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
        EMAIL_URL=f"filemail:///{tmp_path / 'mail'}",
    )
    if connection.vendor == "postgresql":
        # The test's own database: the subprocesses' commits are visible here, flushed afterwards.
        db = connection.settings_dict
        env["DATABASE_URL"] = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"

        def job_state(job_id):
            with connection.cursor() as cursor:
                cursor.execute("SELECT progress, complete, error FROM messaging_job WHERE id = %s", [job_id])
                return cursor.fetchone()
    else:
        # The suite's SQLite database lives in memory, which no other process can open.
        _run(env, "manage.py", "migrate", "--no-input")

        def job_state(job_id):
            with sqlite3.connect(tmp_path / "db.sqlite3") as db:
                row = db.execute(
                    "SELECT progress, complete, error FROM messaging_job WHERE id = ?", [job_id]
                ).fetchone()
            return (row[0], bool(row[1]), row[2]) if row else None

    return env, job_state


def _run(env, *args):
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _start_worker(env, log, *command):
    # A session of its own: the whole worker (main process and pool) is one process group.
    return subprocess.Popen(
        [sys.executable, *command], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(worker):
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)  # warm shutdown
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=15)


def _pool_children(pid):
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(child) for child in found.stdout.split()]


# serialized_rollback: the flush after this test must not take the migrations' groups with it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("victim", ["whole worker", "pool process"])
def test_an_export_killed_mid_way_is_redelivered_and_completes_once(processes, tmp_path, victim, wait_for):
    env, job_state = processes
    logs = [(tmp_path / f"worker{n}.log").open("w") for n in (1, 2)]
    workers = [_start_worker(env, logs[0], "-c", SLOW_WORKER)]
    try:
        job_id = _run(env, "manage.py", "shell", "-c", START_EXPORT).split("JOB ")[1].strip()
        mid_way = wait_for(lambda: (state := job_state(job_id)) and 0 < state[0] < 100 and state, timeout=40)
        assert mid_way, f"the export never got going: {job_state(job_id)}"
        assert not mid_way[1]

        if victim == "whole worker":
            os.killpg(workers[0].pid, signal.SIGKILL)
            workers[0].wait(timeout=10)
            assert not job_state(job_id)[1]
            # A fresh worker (no slowdown) gets the task once the visibility timeout has passed.
            workers.append(_start_worker(env, logs[1], "-m", "celery", "-A", "microblog", "worker", "--concurrency=1"))
        else:
            (child,) = _pool_children(workers[0].pid)
            os.kill(child, signal.SIGKILL)  # the main process sees the child die and requeues the task

        done = wait_for(lambda: (state := job_state(job_id)) and state[1] and state, timeout=40)
        assert done == (100, True, ""), f"the export did not complete after the kill: {job_state(job_id)}"
        mail_dir = tmp_path / "mail"
        assert wait_for(lambda: mail_dir.exists() and any(mail_dir.iterdir()), timeout=20), "no email"
        time.sleep(VISIBILITY_TIMEOUT + 1)  # room for a duplicate delivery to show up
    finally:
        for worker in workers:
            _stop(worker)
        for log in logs:
            log.close()

    worker_logs = "".join(path.read_text() for path in tmp_path.glob("worker*.log"))
    exports = sorted(path.name for path in (tmp_path / "jobs" / "exports").glob("*/*"))
    assert exports == [f"{job_id}.json"], worker_logs  # one file, no .part left behind
    sent = "".join(path.read_text() for path in mail_dir.iterdir())
    assert sent.count("Subject: Your Microblog posts") == 1, worker_logs
    if victim == "pool process":
        assert "WorkerLostError" in worker_logs  # the task really died with its process


START_AGAIN = (
    "from accounts.models import User; from posts.services import posts_export_start; "
    "print('JOB', posts_export_start(user=User.objects.get(username='killed'), site_url='http://localhost:8000/').pk)"
)
SWEEP = "from messaging.services import jobs_fail_stale; print('FAILED', jobs_fail_stale())"


# serialized_rollback: as above.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_export_whose_worker_died_is_failed_by_the_sweep_and_the_member_starts_again(processes, tmp_path, wait_for):
    """Issue 21, item 8: no waiting for the visibility timeout. While the task beats, the
    sweep leaves it alone; once its worker is dead and the bound has passed, the sweep
    fails it, a new export runs, and the old task, redelivered at last, changes nothing."""
    env, job_state = processes
    env["JOB_STALE_SECONDS"] = "3"
    env["EXPORT_STEP_PAUSE"] = "0.6"  # 12 s in all, a heartbeat every 0.6 s
    logs = [(tmp_path / f"worker{n}.log").open("w") for n in (1, 2)]
    workers = [_start_worker(env, logs[0], "-c", SLOW_WORKER)]
    try:
        job_id = _run(env, "manage.py", "shell", "-c", START_EXPORT).split("JOB ")[1].strip()
        assert wait_for(lambda: (state := job_state(job_id)) and 0 < state[0] < 100, timeout=40)
        time.sleep(3.5)  # longer than the bound since the job was created: only the heartbeat keeps it
        assert "FAILED 0" in _run(env, "manage.py", "shell", "-c", SWEEP)
        assert not job_state(job_id)[1]

        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        time.sleep(3.5)
        assert "FAILED 1" in _run(env, "manage.py", "shell", "-c", SWEEP)
        progress, complete, error = job_state(job_id)
        assert complete and "you can start it again" in error

        new_id = _run(env, "manage.py", "shell", "-c", START_AGAIN).split("JOB ")[1].strip()
        # A fresh worker runs the new export, and gets the old task back after the visibility timeout.
        workers.append(_start_worker(env, logs[1], "-m", "celery", "-A", "microblog", "worker", "--concurrency=1"))
        assert wait_for(lambda: (state := job_state(new_id)) and state[1], timeout=40)
        time.sleep(VISIBILITY_TIMEOUT + 3)  # room for the old task's redelivery
    finally:
        for worker in workers:
            _stop(worker)
        for log in logs:
            log.close()

    worker_logs = "".join(path.read_text() for path in tmp_path.glob("worker*.log"))
    assert job_state(new_id) == (100, True, ""), worker_logs
    assert job_state(job_id) == (progress, True, error), worker_logs  # the late task overwrote nothing
    sent = "".join(path.read_text() for path in (tmp_path / "mail").iterdir())
    assert sent.count("Subject: Your Microblog posts") == 1, worker_logs
    assert job_id in worker_logs  # the old task was indeed delivered again
