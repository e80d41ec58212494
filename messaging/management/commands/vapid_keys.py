from django.core.management.base import BaseCommand

from messaging.push import vapid_keys_generate


class Command(BaseCommand):
    help = (
        "Print a new VAPID key pair for web push. Put VAPID_PRIVATE_KEY in the environment "
        "(.env) of the web, worker and stream processes; the public key is derived from it."
    )

    def handle(self, *args, **options):
        private, public = vapid_keys_generate()
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
        self.stderr.write(f"# public key (browsers subscribe with it; the site derives it): {public}")
