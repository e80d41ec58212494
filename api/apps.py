from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"

    def ready(self):
        # Registers the token authentication with drf-spectacular's schema generator.
        from api import schema  # noqa: F401
