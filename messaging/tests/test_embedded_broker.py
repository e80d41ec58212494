"""On a fresh machine (no Redis) `make run` starts a worker on kombu's on-disk
queue: prove that a worker process and a web process really talk through it."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

EXPORT_SCRIPT = textwrap.dedent(
    """
    import time
    from accounts.models import User
    from messaging.models import Job
    from posts.models import Post
    from posts.services import posts_export_start

    member = User.objects.create_user("fresh", "fresh@example.com", "a-long-password")
    Post.objects.bulk_create(Post(author=member, body=f"post {n}") for n in range(500))
    job = posts_export_start(user=member, site_url="http://localhost:8000/")
    deadline = time.monotonic() + 40
    while not Job.objects.get(pk=job.pk).complete and time.monotonic() < deadline:
        time.sleep(0.2)
    job.refresh_from_db()
    print("RESULT", job.progress, job.complete, repr(job.error))
    """
)


def test_a_worker_process_runs_jobs_from_the_on_disk_queue(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "ENV_FILE"}
    }
    env.update(DEBUG="true", DATA_DIR=str(tmp_path), ENV_FILE="/dev/null")
    python = sys.executable

    def manage(*args, **kwargs):
        return subprocess.run(
            [python, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, **kwargs
        )

    assert manage("migrate", "--no-input").returncode == 0
    worker = subprocess.Popen(
        [python, "-m", "celery", "-A", "microblog", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        shell = manage("shell", "-c", EXPORT_SCRIPT)
    finally:
        worker.terminate()
        log = worker.communicate(timeout=30)[0]

    assert "RESULT 100 True ''" in shell.stdout, shell.stdout + shell.stderr + log
    assert "email_deliver" in log  # the export's email went through the queue too
    assert list((tmp_path / "jobs" / "exports").glob("*/*.json"))
