from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self):
        # Register the tasks with Celery before anything finalizes the app (an
        # embedded test worker does so before autodiscovery would import them).
        # /healthz reports the live updates' event log (and, in the stream service, its hub).
        from core.health import CHECKS
        from messaging import signals, tasks  # noqa: F401
        from messaging.stream import check_stream

        CHECKS["stream"] = check_stream
