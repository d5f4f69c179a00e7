"""WSGI entry point, used by gunicorn (`gunicorn artifacts.wsgi`)."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "artifacts.settings")
application = get_wsgi_application()

from artifacts.checks import MISSING_SECRET_KEY, secret_key_is_set  # noqa: E402  (needs the app registry)

# Refuse to serve at all rather than fail on the first request that signs something.
if secret_key_is_set():
    raise ImproperlyConfigured(MISSING_SECRET_KEY)
