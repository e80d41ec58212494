from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.urls import register_converter
        from rosetta.signals import post_save as rosetta_saved

        from accounts.converters import UsernameConverter
        from accounts.languages import catalogs_changed

        # Used as <username:username> by every app's URLs.
        register_converter(UsernameConverter, "username")
        # A translator saved a catalog: every web process reloads it (accounts.languages).
        rosetta_saved.connect(catalogs_changed, dispatch_uid="accounts.catalogs_changed")
