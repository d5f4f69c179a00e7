"""Exit statuses the archive's commands share, so that a script or a scheduler can tell
"your file or your data has problems" from "the database went away".

0   done
1   the command was used wrongly (a missing file, an unknown option or account), or what
    it checked has problems: an import file's rows, a failed verification (the status
    these commands have always had, kept so that existing scripts keep working)
3   the database was unavailable or went away while the command ran: nothing is wrong
    with the input; run the command again once the database answers
"""

from contextlib import contextmanager

from django.core.management.base import CommandError

from artifacts.outages import describe, is_database_outage

DONE = 0
PROBLEMS = 1
DATABASE_UNAVAILABLE = 3


@contextmanager
def database_outage_exits(message: str):
    """Turn a database outage inside into a one-paragraph CommandError with exit status 3
    (no traceback): `message` says what it means for this command; the error's first
    line follows it."""
    try:
        yield
    except Exception as exc:
        if not is_database_outage(exc):
            raise
        raise CommandError(f"{message} ({describe(exc)})", returncode=DATABASE_UNAVAILABLE) from None
