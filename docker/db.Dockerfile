# The archive's database: PostgreSQL 17 with the RUM index extension, which search uses
# to return relevance pages already ordered by rank (README, "Search on PostgreSQL").
# The official image already trusts the PostgreSQL project's apt repository (PGDG), which
# packages the extension for each major version.
FROM postgres:17
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-17-rum \
    && rm -rf /var/lib/apt/lists/*
