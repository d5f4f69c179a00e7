# The archive as production images, from one build:
#   app    gunicorn serving Django (settings in gunicorn.conf.py), as an unprivileged user,
#          with the runtime packages only (requirements.txt) and static files collected
#          (hashed and compressed) once, here;
#   proxy  nginx (docker/nginx.conf.template) holding the same build's static files, so a
#          page and the stylesheet it names always come from the same release.
# The last stage is `app`, so `docker build .` builds the web image.
FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN groupadd --system archive \
    && useradd --system --gid archive --home-dir /app --shell /usr/sbin/nologin archive

# pg_dump for `manage.py backup`, from PostgreSQL's own Debian repository: it must be at
# least the server's version (17), newer than Debian's own client. The repository's key
# ships with postgresql-common; nothing is fetched outside apt.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-common \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-17 \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so editing the code does not reinstall them. Tests and lint
# (requirements-dev.txt) stay out of the image.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# The secret key here only satisfies the settings at build time; collectstatic signs nothing.
# The code stays root's: the app's user writes only under var/ (uploads, in the media
# volume, which inherits this ownership when it is new) and /backups.
RUN DJANGO_SECRET_KEY=build-only DJANGO_DEBUG=0 python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /backups \
    && chown archive:archive /app/var /app/var/media /backups

USER archive

EXPOSE 8000

# /health/live answers without the database or cache: it says the process serves requests.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health/live', timeout=4).status != 200)"]

# Everything else is in gunicorn.conf.py, which gunicorn reads from the working directory.
CMD ["gunicorn"]


FROM nginx:1.26-alpine AS proxy

# The official image renders /etc/nginx/templates/*.template into conf.d/ at start,
# substituting the environment variables it sets (see docker-compose.yml).
RUN rm /etc/nginx/conf.d/default.conf
COPY docker/nginx.conf.template /etc/nginx/templates/archive.conf.template
COPY --from=app /app/var/staticfiles /srv/archive/static


FROM app
