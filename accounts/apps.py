from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.urls import register_converter

        # Register the tasks with Celery before anything finalizes the app, and the
        # receivers that keep each member's who-to-follow picks current.
        from accounts import suggestions, tasks  # noqa: F401
        from accounts.converters import UsernameConverter

        # Used as <username:username> by every app's URLs.
        register_converter(UsernameConverter, "username")
