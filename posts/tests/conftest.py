import pytest
from haystack import connections

from posts.search_backend import MicroblogWhooshEngine


def _point_search_at(path):
    connections.connections_info["default"] = {
        "ENGINE": f"{MicroblogWhooshEngine.__module__}.{MicroblogWhooshEngine.__name__}",
        "PATH": str(path),
        "SILENTLY_FAIL": False,
    }
    connections.reload("default")


@pytest.fixture(autouse=True)
def search_index(tmp_path):
    """Every posts test gets its own Whoosh index in a temporary directory, so
    no test reads or writes the one in DATA_DIR. Yields the backend."""
    original = connections.connections_info["default"]
    _point_search_at(tmp_path / "whoosh")
    yield connections["default"].get_backend()
    connections.connections_info["default"] = original
    connections.reload("default")


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """`with indexed(): PostFactory(...)` — what is saved inside reaches the
    index as after a real commit (the queued task runs eagerly in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
