from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"

    def ready(self):
        # The token authentication for drf-spectacular's schema generator; allauth's
        # events that revoke tokens.
        from api import schema, signals  # noqa: F401
