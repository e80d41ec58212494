import threading

import pytest
from haystack import connections


@pytest.fixture(autouse=True)
def search_index(tmp_path):
    """Every posts test gets its own Whoosh index in a temporary directory, so
    no test reads or writes the one in DATA_DIR. Yields the backend."""
    original = connections.connections_info["default"]
    connections.connections_info["default"] = {
        "ENGINE": "posts.search_backend.MicroblogWhooshEngine",
        "PATH": str(tmp_path / "whoosh"),
        "SILENTLY_FAIL": False,
    }
    # A fresh thread-local drops every thread's cached backend (a live server's too).
    connections.thread_local = threading.local()
    yield connections["default"].get_backend()
    connections.connections_info["default"] = original
    connections.thread_local = threading.local()


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """`with indexed(): PostFactory(...)` — what is saved inside reaches the
    index as after a real commit (the queued task runs eagerly in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
