from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"

    def ready(self):
        # Register the tasks with Celery before anything finalizes the app (see messaging.apps).
        from posts import tasks  # noqa: F401
