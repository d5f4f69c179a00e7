"""RFC 3161 timestamps on signed tree heads, against a real local Time-Stamping Authority.

No mocks: tokens come from `openssl ts -reply` behind tests/tsa_server.py, and are
checked by artifacts.custody.checker.tsa both with and without rfc3161-client.
"""

import contextlib
import socket
import sys
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from artifacts.custody.checker import tsa as checker
from artifacts.custody.timestamps import TimestampError, request_token
from tests.tsa_server import make_ca
from tests.tsa_server import tsa_fixture as tsa  # noqa: F401

HEAD = b'{"log":"bfa-custody","size":42,"root":"9f86d081884c7d659a2feaa0c55ad015"}'


@pytest.fixture(scope="module")
def token(tsa) -> bytes:  # noqa: F811 - the fixture imported above
    return request_token(url=tsa.url, data=HEAD)


def flipped(data: bytes, index: int) -> bytes:
    spoiled = bytearray(data)
    spoiled[index] ^= 0x01
    return bytes(spoiled)


def test_a_fresh_token_verifies_against_the_tsa_root(tsa, token):  # noqa: F811
    result = checker.verify_token(token, HEAD, tsa.root_pem)

    assert result.signature_checked
    assert "Test TSA" in result.note
    info = result.info
    assert info.hash_name == "sha256"
    assert info.hash_algorithm_oid == "2.16.840.1.101.3.4.2.1"
    assert info.policy_oid == tsa.policy_oid
    assert info.nonce is not None
    assert info.serial_number > 0
    assert info.tsa_name and "CN=Test TSA" in info.tsa_name
    assert info.gen_time.tzinfo is not None
    assert abs(info.gen_time - datetime.now(UTC)) < timedelta(minutes=1)


def test_the_tsa_is_asked_once_per_token(tsa):  # noqa: F811
    before = tsa.requests
    first = request_token(url=tsa.url, data=b"head 1")
    second = request_token(url=tsa.url, data=b"head 1")

    assert tsa.requests == before + 2
    # A fresh nonce and serial each time, so equal data still gets distinct tokens.
    assert checker.token_info(first).nonce != checker.token_info(second).nonce
    assert checker.token_info(first).serial_number != checker.token_info(second).serial_number


def test_gen_time_keeps_its_fraction_of_a_second(token):
    # The test TSA is configured with clock_precision_digits = 3.
    assert checker.token_info(token).gen_time.microsecond % 1000 == 0


def test_a_token_does_not_cover_other_data(tsa, token):  # noqa: F811
    with pytest.raises(checker.TokenError, match="timestamp token does not cover this data"):
        checker.verify_token(token, HEAD + b" ", tsa.root_pem)
    with pytest.raises(checker.TokenError, match="does not cover this data"):
        checker.check_imprint(token, b"")


def test_a_flipped_signature_byte_is_caught(tsa, token):  # noqa: F811
    # openssl ts sends no unsigned attributes, so the token ends with the SignerInfo's
    # signature: the ECDSA value's last byte. The DER structure stays intact.
    spoiled = flipped(token, len(token) - 1)
    assert checker.token_info(spoiled) == checker.token_info(token)

    with pytest.raises(checker.TokenError, match="signature is invalid"):
        checker.verify_token(spoiled, HEAD, tsa.root_pem)


def test_an_altered_tstinfo_is_caught(tsa, token):  # noqa: F811
    # The last digit of the serial number: the imprint still matches, the signature does not.
    info = checker.token_info(token)
    serial = info.serial_number.to_bytes((info.serial_number.bit_length() + 8) // 8, "big", signed=True)
    index = token.index(b"\x02" + bytes([len(serial)]) + serial) + 1 + len(serial)
    spoiled = flipped(token, index)
    assert checker.token_info(spoiled).serial_number != info.serial_number

    with pytest.raises(checker.TokenError, match="altered"):
        checker.verify_token(spoiled, HEAD, tsa.root_pem)


def test_another_ca_is_not_trusted(tmp_path, token):
    other_ca, _ = make_ca(tmp_path, "impostor")

    with pytest.raises(checker.TokenError, match="does not chain to the given root"):
        checker.verify_token(token, HEAD, other_ca.read_bytes())


def test_a_token_without_certificates_cannot_be_checked(tsa):  # noqa: F811
    import rfc3161_client

    query = rfc3161_client.TimestampRequestBuilder().data(HEAD).cert_request(cert_request=False).build()
    request = urllib.request.Request(tsa.url, data=query.as_bytes())  # noqa: S310 - the local TSA's http URL
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        reply = response.read()
    status, _, bare_token = checker.read_response(reply)
    assert status == 0

    assert checker.check_imprint(bare_token, HEAD).hash_name == "sha512"
    with pytest.raises(checker.TokenError, match="no certificate for its signer"):
        checker.verify_token(bare_token, HEAD, tsa.root_pem)


def test_the_root_file_must_be_pem(token):
    with pytest.raises(checker.TokenError, match="not valid PEM"):
        checker.verify_token(token, HEAD, b"not a certificate")


def test_without_rfc3161_client_only_the_imprint_is_checked(monkeypatch, tsa, token):  # noqa: F811
    monkeypatch.setitem(sys.modules, "rfc3161_client", None)

    result = checker.verify_token(token, HEAD, tsa.root_pem)

    assert not result.signature_checked
    assert result.note == "rfc3161-client is not installed: the TSA's signature was not checked"
    assert result.info == checker.token_info(token)
    with pytest.raises(checker.TokenError, match="does not cover this data"):
        checker.verify_token(token, b"another head", tsa.root_pem)


def test_without_a_root_certificate_the_signature_is_not_checked(token):
    result = checker.verify_token(token, HEAD, None)

    assert not result.signature_checked
    assert result.note.startswith("no TSA certificate given")


def test_a_rejection_is_reported(tsa):  # noqa: F811
    tsa.fail_next = "rejection"

    with pytest.raises(TimestampError, match=r"refused the request: rejection \(2\)") as raised:
        request_token(url=tsa.url, data=HEAD)
    assert "request refused by the test TSA" in str(raised.value)
    assert "badDataFormat" in str(raised.value)


def test_an_http_error_is_reported(tsa):  # noqa: F811
    tsa.fail_next = "http500"

    with pytest.raises(TimestampError, match="answered HTTP 500"):
        request_token(url=tsa.url, data=HEAD)


def test_a_garbled_reply_is_reported(tsa):  # noqa: F811
    tsa.fail_next = "garbage"

    with pytest.raises(TimestampError, match="malformed reply"):
        request_token(url=tsa.url, data=HEAD)


def test_an_unreachable_tsa_is_reported():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port any more.
    with pytest.raises(TimestampError, match="cannot reach the time-stamping authority"):
        request_token(url=f"http://127.0.0.1:{port}/tsa", data=HEAD, timeout=2)


def test_only_http_urls_are_used():
    with pytest.raises(TimestampError, match="must be http or https"):
        request_token(url="file:///etc/passwd", data=HEAD)


@pytest.mark.parametrize(
    "garbage",
    [b"", b"\x30", b"\x30\x80\x00\x00", b"\x04\x03abc", b"\x30\x05\x06\x03\x2a\x03\x04", b"hello, world"],
)
def test_garbage_is_not_a_token(garbage):
    with pytest.raises(checker.TokenError):
        checker.token_info(garbage)


def test_a_truncated_token_is_refused(token):
    for length in (1, 2, 10, len(token) // 2, len(token) - 1):
        with pytest.raises(checker.TokenError, match="truncated"):
            checker.token_info(token[:length])


def test_a_token_with_trailing_bytes_is_refused(token):
    with pytest.raises(checker.TokenError, match="stray bytes"):
        checker.token_info(token + b"\x00")


def test_a_signed_data_that_is_not_a_tstinfo_is_refused(token):
    # Rename id-ct-TSTInfo (…9.16.1.4) to id-data-like …9.16.1.5 in the eContentType.
    oid = bytes.fromhex("060b2a864886f70d0109100104")
    spoiled = token.replace(oid, oid[:-1] + b"\x05", 1)

    with pytest.raises(checker.TokenError, match="not a TSTInfo"):
        checker.token_info(spoiled)


def test_no_corruption_escapes_as_another_exception(tsa, token):  # noqa: F811
    # Bytes outside what the TSA signed (versions, the embedded copy of the CA) may change
    # without effect; anything else must end in TokenError, never in a library's exception.
    for index in range(0, len(token), 3):
        with contextlib.suppress(checker.TokenError):
            checker.verify_token(flipped(token, index), HEAD, tsa.root_pem)
