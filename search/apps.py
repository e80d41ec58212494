from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"

    def ready(self):
        # Register the tasks with Celery before anything finalizes the app (see messaging.apps).
        from search import tasks  # noqa: F401
