"""System checks for configuration mistakes an operator must fix before serving."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

MISSING_SECRET_KEY = "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off."  # noqa: S105 (a message)


# A deployment check: schema commands (makemigrations, migrate) need no key, while
# `check --deploy` and the WSGI application (artifacts/wsgi.py) refuse to go on without one.
@register(deploy=True)
def secret_key_is_set(app_configs=None, **kwargs):
    try:
        settings.SECRET_KEY  # noqa: B018 (Django raises on access when it is empty)
    except ImproperlyConfigured:
        return [
            Error(
                MISSING_SECRET_KEY,
                hint="Set DJANGO_SECRET_KEY to a long random string, or DJANGO_DEBUG=1 for development.",
                id="artifacts.E001",
            )
        ]
    return []
