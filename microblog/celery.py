"""The Celery app. Configuration comes from Django settings (CELERY_*), so the
broker is Redis when REDIS_URL is set and an on-disk queue otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")

app = Celery("microblog")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
