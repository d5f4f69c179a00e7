"""Asking an RFC 3161 Time-Stamping Authority to stamp bytes (the archive's side).

`request_token` sends a TimeStampReq over the RFC 3161 HTTP transport and returns the
TimeStampToken, after checking that the answer is a grant for exactly this request.
Every failure, from a refused connection to a garbled reply, is a TimestampError whose
message a curator can act on; the token's signature is checked separately, with
`checker.tsa.verify_token`, against the roots the archive trusts.
"""

import hashlib
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from artifacts.custody.checker import tsa

MAX_REPLY_BYTES = 1024 * 1024  # a reply is a few kilobytes; refuse to buffer a runaway body
GRANTED = (0, 1)  # granted, grantedWithMods


class TimestampError(Exception):
    """The authority could not be asked, refused, or answered something unusable."""


def _post(url: str, query: bytes, timeout: float) -> bytes:
    """POST the DER request; the raw DER reply, or a TimestampError saying what went wrong."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise TimestampError(f"the time-stamping authority URL must be http or https, not {url!r}")
    headers = {"Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply"}
    # The scheme is checked above, so no file: or other local URL is ever opened.
    request = urllib.request.Request(url, data=query, method="POST", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_REPLY_BYTES + 1)
    except urllib.error.HTTPError as error:
        detail = error.read(300).decode("utf-8", errors="replace").strip()
        message = f"the time-stamping authority at {url} answered HTTP {error.code} {error.reason}"
        raise TimestampError(message + (f": {detail}" if detail else "")) from None
    except urllib.error.URLError as error:
        raise TimestampError(f"cannot reach the time-stamping authority at {url}: {error.reason}") from None
    except (OSError, ValueError) as error:  # timeouts, resets, malformed URLs
        raise TimestampError(f"cannot reach the time-stamping authority at {url}: {error}") from None
    if len(body) > MAX_REPLY_BYTES:
        raise TimestampError(f"the time-stamping authority at {url} sent more than {MAX_REPLY_BYTES} bytes")
    return body


def request_token(*, url: str, data: bytes, timeout: float = 10.0) -> bytes:
    """Have the authority at `url` stamp the SHA-256 of `data`; return the DER TimeStampToken.

    The reply must grant the request, carry the request's nonce and the imprint of
    `data`; the token is returned exactly as the authority sent it.
    """
    try:
        import rfc3161_client
    except ImportError:
        raise TimestampError("rfc3161-client is not installed; the archive needs it to request timestamps") from None
    if not data:
        raise TimestampError("there is nothing to timestamp: the data is empty")
    request = (
        rfc3161_client.TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(rfc3161_client.HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    reply = _post(url, request.as_bytes(), timeout)
    try:
        status, status_text, token = tsa.read_response(reply)
    except tsa.TokenError as error:
        raise TimestampError(f"the time-stamping authority at {url} sent a malformed reply: {error}") from None
    if status not in GRANTED:
        raise TimestampError(f"the time-stamping authority at {url} refused the request: {status_text}")
    if token is None:
        raise TimestampError(f"the time-stamping authority at {url} granted the request but sent no token")
    try:
        # Our own reader first: it rejects what would make rfc3161-client's parser panic.
        tsa.token_info(token)
        info = rfc3161_client.decode_timestamp_response(tsa.timestamp_response(token)).tst_info
        nonce, imprint = info.nonce, info.message_imprint
        algorithm, digest = imprint.hash_algorithm.dotted_string, imprint.message
    except Exception as error:  # whatever the parsers object to, the token is unusable
        raise TimestampError(f"the time-stamping authority at {url} sent an unreadable token: {error}") from None
    if nonce != request.nonce:
        raise TimestampError(f"the time-stamping authority at {url} answered another request (nonce mismatch)")
    if algorithm != "2.16.840.1.101.3.4.2.1" or digest != hashlib.sha256(data).digest():
        raise TimestampError(f"the time-stamping authority at {url} stamped other data than was sent")
    return token
