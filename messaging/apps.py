from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self):
        # Register the tasks with Celery before anything finalizes the app (an
        # embedded test worker does so before autodiscovery would import them).
        from messaging import tasks  # noqa: F401
