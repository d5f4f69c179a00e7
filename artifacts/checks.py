"""System checks for configuration mistakes an operator must fix before serving."""

from django.conf import settings
from django.core.checks import Error, Info, Tags, Warning, register
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


SEARCH_INDEX_HINT = (
    "Install the rum extension on the database server (Debian: postgresql-15-rum; the compose database image "
    "has it), run CREATE EXTENSION rum as a superuser, then `manage.py rebuild_search_index`."
)


# A database check (it reads the catalog): run by `migrate` and `check --database default`.
@register(Tags.database)
def search_index_in_use(app_configs=None, databases=None, **kwargs):
    """Which full-text index search uses on PostgreSQL, and why it matters."""
    from django.db import connections

    from artifacts.search.backends import forget_index_method, index_method

    messages = []
    for alias in databases or ():
        if connections[alias].vendor != "postgresql":
            continue
        forget_index_method(alias)
        method = index_method(alias)
        if not method:
            continue  # a database not migrated yet (migrate runs this check first): 0007 makes it
        if method == "rum":
            messages.append(
                Info(
                    "Search on PostgreSQL uses a RUM index: relevance pages are read from the index in rank order.",
                    id="artifacts.I020",
                )
            )
        else:
            messages.append(
                Warning(
                    f"Search on PostgreSQL uses a {method.upper()} index, not RUM: a relevance page ranks "
                    "every match, reading each match's document, which takes seconds for a word found in hundreds "
                    "of thousands of records.",
                    hint=SEARCH_INDEX_HINT,
                    id="artifacts.W020",
                )
            )
    return messages
