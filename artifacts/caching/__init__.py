"""Values many pages compute alike, cached until the data they come from changes.

What is cached is presentation data a page would otherwise compute with several queries
(an authority's name in the reader's language, a record's edit history), never a
whole page, never a result set, and never a check that exists to catch tampering (a
record's custody chain is re-verified on every view).

Invalidation is by generation rather than by key: every committed write to the
archive's tables, however it is made (the admin, the importer, a service, a command,
QuerySet.update(), raw SQL through Django), moves one number on, and every entry is
filed under the number current when it was computed. Older entries are never read
again and age out. A write made outside the application (psql) moves nothing: such an
edit shows once an entry's lifetime (CACHE_TIMEOUT, 5 minutes) has passed, or at once
after `manage.py rebuild_search_index`, which such edits need anyway.

The number lives in the database, not the cache, so that the default local-memory
cache, one per worker process, is as correct as a shared Redis: each process reads the
number (one primary-key lookup per request) and finds or fills its own entries. On a
replica the number and the data come from the same snapshot, so an entry never holds
data newer or older than its number says.

Inside a transaction that has written, nothing is read from or written to the cache:
the transaction sees its own uncommitted rows, which no other request may be served.
"""

from artifacts.caching.generation import bump, current, remember

__all__ = ["bump", "current", "remember"]
