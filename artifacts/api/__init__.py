"""The read-only JSON API: the catalog and its records for scripts, under the same access
rules as the pages (every read goes through visible_to)."""
