"""ashopy: a Django commerce + ERP platform for French-speaking merchants."""

from .celery import app as celery_app

__all__ = ["celery_app"]
