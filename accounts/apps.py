from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.urls import register_converter

        # Register the tasks with Celery before anything finalizes the app.
        from accounts import tasks  # noqa: F401
        from accounts.converters import UsernameConverter

        # Used as <username:username> by every app's URLs.
        register_converter(UsernameConverter, "username")
