"""WSGI entry point, used by gunicorn (`gunicorn artifacts.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "artifacts.settings")
application = get_wsgi_application()
