"""The real stream service for tests: uvicorn serving microblog.asgi's application
(messaging.stream.StreamRouter) in a thread of the test process, on a port of its own,
so that it shares the test database with the live server."""

import contextlib
import socket
import threading
import time

import uvicorn
from django.core.asgi import get_asgi_application

from messaging.stream import StreamRouter


@contextlib.contextmanager
def stream_service_running(host="127.0.0.1"):
    """Yields the service's port; stops it afterwards."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(StreamRouter(get_asgi_application()), host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
