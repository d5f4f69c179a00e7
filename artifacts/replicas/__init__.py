"""Reads from PostgreSQL streaming replicas (hot standbys), writes to the primary.

- config.py builds the replicas' database settings from DATABASE_REPLICA_URLS, with the
  primary's options, and the optional connection pool (DJANGO_DB_POOL).
- state.py holds what one request has decided (a context variable) and which replicas
  failed recently, and picks a working replica for a request.
- router.py is the database router that asks it; middleware.py sets it for each request,
  keeps a browser on the primary for a few seconds after it wrote, and repeats a read-only
  request on the primary when its replica fails under it.

Without DATABASE_REPLICA_URLS (SQLite, or a single PostgreSQL server) none of this does
anything: the router gives no opinion and the middleware passes requests straight on.
"""
