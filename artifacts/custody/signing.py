"""The archive's Ed25519 signing key: made once, kept outside the database, rotated.

The private key is a PEM file named by ARCHIVE_SIGNING_KEY_FILE and never enters the
database, so whoever can write to the database still cannot sign a head. Its public key
is published (SigningKey, /transparency/keys.json) the first time it signs; heads name
the key that signed them, so heads signed before a rotation stay verifiable.
"""

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from artifacts.custody.checker.heads import key_id


class SigningKeyError(ImproperlyConfigured):
    """The configured key file cannot be used; the message says what to do."""


def make_key_file(path: Path) -> str:
    """Write a new private key to `path` (readable by its owner only); return its key id.
    Refuses to overwrite: losing a key that signed heads is never what anyone meant."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return key_id(public_bytes(key))


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_b64(key: Ed25519PrivateKey) -> str:
    return base64.b64encode(public_bytes(key)).decode("ascii")


def configured_key() -> Ed25519PrivateKey | None:
    """The key in ARCHIVE_SIGNING_KEY_FILE, or None when none is configured."""
    name = settings.ARCHIVE_SIGNING_KEY_FILE
    if not name:
        return None
    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(
            f"ARCHIVE_SIGNING_KEY_FILE names {path}, which cannot be read ({exc.strerror}). "
            "Make a key with `manage.py make_signing_key PATH`, or unset the variable to publish unsigned heads."
        ) from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"{path} is not an unencrypted PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} holds a {type(key).__name__}; the archive signs with Ed25519 keys only.")
    return key


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message)).decode("ascii")
