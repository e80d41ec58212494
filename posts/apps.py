from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"

    def ready(self):
        # Register the tasks with Celery before anything finalizes the app (see messaging.apps),
        # and connect the receivers that drop members' cached counts (posts.counts).
        from posts import counts, tasks  # noqa: F401
