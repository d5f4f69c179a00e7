"""Signed tree heads: their text, their JSON form, and how to check their signatures.

A head says "the log named ORIGIN had TREE_SIZE leaves with root ROOT_HASH at TIME",
as the UTF-8 text

    bfa-tree-head/1
    origin <origin>
    number <n>
    tree_size <size>
    root_hash <hex>
    timestamp <YYYY-MM-DDTHH:MM:SS.mmmZ>
    previous <hex SHA-256 of the previous head's text, or ->

signed with Ed25519 by the key whose id is the SHA-256 (hex) of its raw public key.
Chaining each head to the one before makes a deleted head show. A time-stamping
authority (RFC 3161) stamps the text followed by the 64 signature bytes ("stamped
bytes"), or the text alone for an unsigned head.

Signatures are checked with the `cryptography` package when it is installed; without it
the checker says that it did not check them rather than pass them.
"""

import base64
import hashlib

FORMAT = "bfa-tree-head/1"


def head_text(head: dict) -> bytes:
    lines = [
        FORMAT,
        f"origin {head['origin']}",
        f"number {int(head['number'])}",
        f"tree_size {int(head['tree_size'])}",
        f"root_hash {head['root_hash']}",
        f"timestamp {head['timestamp']}",
        f"previous {head.get('previous') or '-'}",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def head_hash(head: dict) -> str:
    return hashlib.sha256(head_text(head)).hexdigest()


def signature_bytes(head: dict) -> bytes:
    return base64.b64decode(head["signature"], validate=True) if head.get("signature") else b""


def stamped_bytes(head: dict) -> bytes:
    return head_text(head) + signature_bytes(head)


def key_id(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()


def have_cryptography() -> bool:
    try:
        import cryptography.hazmat.primitives.asymmetric.ed25519  # noqa: F401
    except ImportError:
        return False
    return True


def check_signature(head: dict, public_keys: dict[str, str]) -> tuple[bool | None, str]:
    """(True, note) when the signature verifies under the key it names, (False, why)
    when it does not, (None, why) when it could not be checked here."""
    if not head.get("signature"):
        return False, f"head {head.get('number')} is unsigned"
    key_b64 = public_keys.get(head.get("key_id") or "")
    if key_b64 is None:
        return False, f"head {head.get('number')} names key {head.get('key_id')!r}, which is not among the keys given"
    raw = base64.b64decode(key_b64)
    if key_id(raw) != head.get("key_id"):
        return False, f"the key published as {head.get('key_id')} has another id ({key_id(raw)})"
    if not have_cryptography():
        return None, "signatures not checked: the `cryptography` package is not installed (pip install cryptography)"
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(signature_bytes(head), head_text(head))
    except (InvalidSignature, ValueError):
        return False, f"head {head.get('number')}: the signature does not match the head (altered or forged)"
    return True, f"head {head.get('number')}: Ed25519 signature verified (key {head['key_id'][:16]}…)"
