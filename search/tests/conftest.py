import pytest


@pytest.fixture
def indexed(django_capture_on_commit_callbacks):
    """`with indexed(): PostFactory(...)` — what is saved inside reaches the
    index as after a real commit (the queued task runs eagerly in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
