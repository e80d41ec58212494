"""The stream service's entry point (uvicorn microblog.asgi:application): /stream/ through
messaging.stream.StreamRouter's lean handler, anything else through Django's."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")
django_application = get_asgi_application()

from messaging.stream import StreamRouter  # noqa: E402 - needs the apps loaded above

application = StreamRouter(django_application)
