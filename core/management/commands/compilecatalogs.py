from django.core.management.base import BaseCommand

from core.i18n import compile_catalogs


class Command(BaseCommand):
    help = "Compile the translation catalogs in locale/ (.po to .mo) without needing gettext installed."

    def handle(self, *args, **options):
        written = compile_catalogs()
        if options["verbosity"] > 1:
            for mo_path in written:
                self.stdout.write(f"compiled {mo_path}")
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(f"{len(written)} catalog(s) compiled."))
