from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.urls import register_converter

        from accounts.converters import UsernameConverter

        # Used as <username:username> by every app's URLs.
        register_converter(UsernameConverter, "username")
