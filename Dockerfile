# The archive as a production image: gunicorn serving Django, static files served by
# WhiteNoise from files collected (hashed and compressed) at build time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN groupadd --system archive \
    && useradd --system --gid archive --home-dir /app --shell /usr/sbin/nologin archive

# Dependencies first, so editing the code does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# The secret key here only satisfies the settings at build time; collectstatic signs nothing.
# var/media is created owned by the app user so that a fresh named volume mounted there
# inherits that ownership and uploads can be written.
RUN DJANGO_SECRET_KEY=build-only DJANGO_DEBUG=0 python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown -R archive:archive /app/var

USER archive

EXPOSE 8000

# No control socket: nothing manages gunicorn at run time, and the app user may not write to $HOME.
CMD ["gunicorn", "artifacts.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", \
     "--no-control-socket"]
