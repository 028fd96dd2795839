"""WSGI entry point for gunicorn (and runserver): the application, then the collector tuned for serving."""

import os

from django.core.wsgi import get_wsgi_application

from sapsmed.gc_tuning import tune_for_serving

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
tune_for_serving()
