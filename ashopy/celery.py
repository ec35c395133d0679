"""The Celery application.

Tasks run on the broker named by ``REDIS_URL``; without one they run eagerly
in-process (``CELERY_TASK_ALWAYS_EAGER``), which is what the demo uses.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ashopy.settings")

app = Celery("ashopy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
