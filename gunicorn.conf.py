"""gunicorn's settings for the archive, in one place: the image's command (`gunicorn`, which
reads ./gunicorn.conf.py) and the tests that serve the archive behind nginx use this file.

Each value can be changed by an environment variable, so that a deployment tunes it
without a second command line.
"""

import os
from pathlib import Path

wsgi_app = "artifacts.wsgi"
# Plain HTTP for the proxy in front (docker/nginx.conf.template), never for the internet.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or 3)
# A request slower than this (a large import checked in the admin) is ended and logged.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
accesslog = "-"
# Nothing manages gunicorn at run time, and the app's user may not write to its home.
control_socket_disable = True
# The workers' heartbeat files in memory: on a container's overlay file system a slow
# disk would make the arbiter think a busy worker hung.
SHARED_MEMORY = Path("/dev/shm")  # noqa: S108 (a heartbeat file, in gunicorn's own mode 0600)
if SHARED_MEMORY.is_dir():
    worker_tmp_dir = str(SHARED_MEMORY)
