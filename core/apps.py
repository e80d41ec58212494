from pathlib import Path

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plumbing every app shares: queueing, mail, caching, pages, languages, health."""

    name = "core"

    def ready(self):
        from django.conf import settings
        from rosetta.signals import post_save as rosetta_saved

        # Register the tasks with Celery before anything finalizes the app (an
        # embedded test worker does so before autodiscovery would import them).
        from core import tasks  # noqa: F401
        from core.i18n import catalogs_changed

        # A translator saved a catalog: every web process reloads it (core.i18n).
        rosetta_saved.connect(catalogs_changed, dispatch_uid="core.catalogs_changed")
        # Runtime folders are made at start-up, not when the settings are imported.
        folders = [settings.DATA_DIR]
        transport = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        folders += [transport[name] for name in ("data_folder_in", "control_folder") if name in transport]
        for folder in folders:
            Path(folder).mkdir(parents=True, exist_ok=True)
