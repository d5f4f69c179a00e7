"""Settings for the test suite: the development profile, fast password hashing."""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")

from artifacts.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
