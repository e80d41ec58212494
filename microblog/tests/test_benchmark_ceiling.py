"""The benchmark's constant page (microblog/benchmark.py) exists only when BENCHMARK
is on: never in a deployment that did not ask for it."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from microblog.benchmark import CEILING_BODY, CEILING_PATH

ROOT = Path(__file__).resolve().parents[2]
# Asks a fresh process (the URLconf is built once per process) what /bench/ceiling answers.
PROBE = (
    "import django; django.setup(); from django.test import Client; "
    f"r = Client().get('/{CEILING_PATH}'); print(r.status_code, r.content)"
)


def probe(tmp_path, **env):
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "microblog.settings",
        "ENV_FILE": "/dev/null",
        "DEBUG": "true",
        "ALLOWED_HOSTS": "testserver",
        "DATA_DIR": str(tmp_path),
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_ceiling_is_not_mounted_by_default(settings, client):
    assert settings.BENCHMARK is False
    with pytest.raises(Resolver404):
        resolve(f"/{CEILING_PATH}")
    assert client.get(f"/{CEILING_PATH}").status_code == 404


def test_the_ceiling_is_mounted_only_when_benchmark_is_on(tmp_path):
    assert probe(tmp_path, BENCHMARK="true") == f"200 {CEILING_BODY!r}"
    assert probe(tmp_path, BENCHMARK="false").startswith("404 ")
    assert probe(tmp_path).startswith("404 ")
