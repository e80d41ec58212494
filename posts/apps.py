from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "posts"

    def ready(self):
        # Register the tasks with Celery before anything finalizes the app (see messaging.apps),
        # and connect the receivers that drop members' cached counts (posts.counts) and
        # show moderators' warnings at login (posts.moderation).
        from messaging.push import register_subject
        from posts import counts, media, moderation, tasks  # noqa: F401
        from posts.notices import POST_KINDS, push_subject

        # A push notification about a post opens the post and shows its text (messaging.push).
        register_subject(POST_KINDS, push_subject)
