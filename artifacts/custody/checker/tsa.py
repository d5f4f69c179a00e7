"""RFC 3161 timestamp tokens over signed tree heads: read them and check them.

A token is the DER TimeStampToken a Time-Stamping Authority returned: a CMS SignedData
whose content is a TSTInfo (what was stamped, when, by whom). Reading a token and
checking that it covers given bytes needs only the standard library; checking the TSA's
signature and certificate chain uses `rfc3161-client` when it is installed, and the
result says plainly when it was not checked.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

ID_SIGNED_DATA = "1.2.840.113549.1.7.2"
ID_CT_TST_INFO = "1.2.840.113549.1.9.16.1.4"
ID_SIGNING_CERTIFICATE = "1.2.840.113549.1.9.16.2.12"
ID_SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47"
HASH_NAMES = {
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}
IMPRINT_HASHES = ("sha256", "sha384", "sha512")
PKI_STATUS = ["granted", "grantedWithMods", "rejection", "waiting", "revocationWarning", "revocationNotification"]
FAILURE_INFO = {
    0: "badAlg", 2: "badRequest", 5: "badDataFormat", 14: "timeNotAvailable", 15: "unacceptedPolicy",
    16: "unacceptedExtension", 17: "addInfoNotAvailable", 25: "systemFailure",
}  # fmt: skip
NAME_LABELS = {"2.5.4.3": "CN", "2.5.4.5": "serialNumber", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST",
               "2.5.4.10": "O", "2.5.4.11": "OU"}  # fmt: skip
SEQUENCE, SET, INTEGER, OCTET_STRING, OID, GENERALIZED_TIME, CONTEXT_0 = 0x30, 0x31, 0x02, 0x04, 0x06, 0x18, 0xA0


class TokenError(ValueError):
    """The token is malformed, does not cover the data, or fails verification."""


@dataclass(frozen=True)
class TokenInfo:
    hash_algorithm_oid: str
    hash_name: str
    message_digest: bytes
    gen_time: datetime
    serial_number: int
    policy_oid: str
    nonce: int | None
    tsa_name: str | None


@dataclass(frozen=True)
class TokenResult:
    info: TokenInfo
    signature_checked: bool
    note: str


class _Tlv(NamedTuple):
    tag: int
    value: bytes
    encoded: bytes


def _read(buf: bytes, pos: int, what: str) -> tuple[_Tlv, int]:
    """One DER element at `pos`; the element and the position after it."""
    if pos + 2 > len(buf):
        raise TokenError(f"{what} is truncated")
    tag, first, start = buf[pos], buf[pos + 1], pos + 2
    if tag & 0x1F == 0x1F:
        raise TokenError(f"{what} uses a multi-byte tag, which no timestamp token contains")
    if first == 0x80:
        raise TokenError(f"{what} uses an indefinite length, which DER forbids")
    length = first
    if first > 0x80:
        count = first & 0x7F
        if count > 4:
            raise TokenError(f"{what} announces a length of {count} bytes, more than any token needs")
        if start + count > len(buf):
            raise TokenError(f"{what} is truncated in its length")
        length, start = int.from_bytes(buf[start : start + count], "big"), start + count
    if start + length > len(buf):
        raise TokenError(f"{what} is truncated: {length} bytes announced, {len(buf) - start} present")
    return _Tlv(tag, buf[start : start + length], buf[pos : start + length]), start + length


def _one(buf: bytes, what: str, tag: int) -> _Tlv:
    tlv, end = _read(buf, 0, what)
    if end != len(buf):
        raise TokenError(f"{what} is followed by {len(buf) - end} stray bytes")
    return _expect(tlv, tag, what)


def _expect(tlv: _Tlv, tag: int, what: str) -> _Tlv:
    if tlv.tag != tag:
        raise TokenError(f"{what}: expected DER tag 0x{tag:02x}, found 0x{tlv.tag:02x}")
    return tlv


def _items(tlv: _Tlv, what: str, at_least: int = 0) -> list[_Tlv]:
    """The elements inside a constructed value (a SEQUENCE, a SET, an explicit tag)."""
    if not tlv.tag & 0x20:
        raise TokenError(f"{what} is a primitive DER value where a structure was expected")
    items, pos = [], 0
    while pos < len(tlv.value):
        item, pos = _read(tlv.value, pos, f"an element of {what}")
        items.append(item)
    if len(items) < at_least:
        raise TokenError(f"{what} has {len(items)} elements, expected at least {at_least}")
    return items


def _der(tag: int, content: bytes) -> bytes:
    if len(content) < 0x80:
        return bytes([tag, len(content)]) + content
    size = len(content).to_bytes((len(content).bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def _oid(tlv: _Tlv, what: str) -> str:
    value = _expect(tlv, OID, what).value
    if not value or value[-1] & 0x80:
        raise TokenError(f"{what} is not a valid object identifier")
    arcs, current = [], 0
    for byte in value:
        current = (current << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(current)
            current = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(arc) for arc in [first, arcs[0] - 40 * first, *arcs[1:]])


def _int(tlv: _Tlv, what: str) -> int:
    if not _expect(tlv, INTEGER, what).value:
        raise TokenError(f"{what} is an empty INTEGER")
    return int.from_bytes(tlv.value, "big", signed=True)


def _generalized_time(tlv: _Tlv) -> datetime:
    """RFC 3161 genTime: always UTC ("Z"), with an optional fraction of a second."""
    text = _expect(tlv, GENERALIZED_TIME, "genTime").value.decode("ascii", errors="replace")
    match = re.fullmatch(r"(\d{14})(?:\.(\d+))?Z", text)
    try:
        moment = datetime.strptime(match[1], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        raise TokenError(f"genTime {text!r} is not a valid UTC GeneralizedTime") from None
    # Digits beyond microseconds cannot be represented; they are truncated.
    return moment + timedelta(microseconds=int((match[2] or "0")[:6].ljust(6, "0")))


def _name(general_name: _Tlv) -> str | None:
    """A GeneralName as text: a directory name as `CN=…, O=…`, a URI or DNS name as is."""
    if general_name.tag in (0x81, 0x82, 0x86):
        return general_name.value.decode("ascii", errors="replace")
    if general_name.tag != 0xA4:
        return None
    parts = []
    for rdn in _items(_one(general_name.value, "the TSA name", SEQUENCE), "the TSA name"):
        for attribute in _items(rdn, "the TSA name"):
            oid, value = _items(attribute, "the TSA name", 2)[:2]
            encoding = "utf-16-be" if value.tag == 0x1E else "utf-8"
            label = NAME_LABELS.get(_oid(oid, "a name attribute"), _oid(oid, "a name attribute"))
            parts.append(f"{label}={value.value.decode(encoding, errors='replace')}")
    return ", ".join(reversed(parts)) or None


def _signed_data(token: bytes) -> list[_Tlv]:
    """The SignedData elements of a TimeStampToken, after checking it is one."""
    content_type, content = _items(_one(token, "the timestamp token", SEQUENCE), "the timestamp token", 2)[:2]
    if (found := _oid(content_type, "the token's content type")) != ID_SIGNED_DATA:
        raise TokenError(f"the timestamp token is not a CMS SignedData (content type {found})")
    signed_data = _one(_expect(content, CONTEXT_0, "the token's content").value, "the SignedData", SEQUENCE)
    return _items(signed_data, "the SignedData", 4)


def token_info(token: bytes) -> TokenInfo:
    """What the token says: the imprint, the time, the serial, the policy, the TSA."""
    encap = _items(_expect(_signed_data(token)[2], SEQUENCE, "encapContentInfo"), "encapContentInfo", 2)
    if (found := _oid(encap[0], "eContentType")) != ID_CT_TST_INFO:
        raise TokenError(f"the token's content is {found}, not a TSTInfo (id-ct-TSTInfo {ID_CT_TST_INFO})")
    e_content = _one(_expect(encap[1], CONTEXT_0, "eContent").value, "eContent", OCTET_STRING)
    fields = _items(_one(e_content.value, "the TSTInfo", SEQUENCE), "the TSTInfo", 5)
    algorithm, digest = _items(_expect(fields[2], SEQUENCE, "messageImprint"), "messageImprint", 2)[:2]
    hash_oid = _oid(_items(_expect(algorithm, SEQUENCE, "hashAlgorithm"), "hashAlgorithm", 1)[0], "hashAlgorithm")
    nonce = tsa_name = None
    for field in fields[5:]:
        if field.tag == INTEGER:
            nonce = _int(field, "nonce")
        elif field.tag == CONTEXT_0:
            try:
                tsa_name = _name(_read(field.value, 0, "the TSA name")[0])
            except (TokenError, ValueError):
                tsa_name = None  # the name is informative only; an odd one must not hide the rest
    return TokenInfo(
        hash_algorithm_oid=hash_oid,
        hash_name=HASH_NAMES.get(hash_oid, hash_oid),
        message_digest=_expect(digest, OCTET_STRING, "hashedMessage").value,
        gen_time=_generalized_time(fields[4]),
        serial_number=_int(fields[3], "serialNumber"),
        policy_oid=_oid(fields[1], "policy"),
        nonce=nonce,
        tsa_name=tsa_name,
    )


def check_imprint(token: bytes, data: bytes) -> TokenInfo:
    """Parse the token and check that its message imprint is the hash of `data`."""
    info = token_info(token)
    if info.hash_name not in IMPRINT_HASHES:
        raise TokenError(f"the token's imprint uses {info.hash_name}; only {', '.join(IMPRINT_HASHES)} are accepted")
    expected = hashlib.new(info.hash_name, data).digest()
    if info.message_digest != expected:
        raise TokenError(
            f"timestamp token does not cover this data: it stamps {info.hash_name} {info.message_digest.hex()}, "
            f"the data hashes to {expected.hex()}"
        )
    return info


def timestamp_response(token: bytes) -> bytes:
    """A granted TimeStampResp around `token`, which is what rfc3161-client reads.

    The certificates are put in DER SET order on the way: OpenSSL-based TSAs emit them
    signer first, which strict parsers refuse, and the signature does not cover them.
    """
    content_type, content = _items(_one(token, "the timestamp token", SEQUENCE), "the timestamp token", 2)[:2]
    parts = []
    for item in _signed_data(token):
        if item.tag == CONTEXT_0:
            item = item._replace(encoded=_der(CONTEXT_0, b"".join(sorted(c.encoded for c in _items(item, "certs")))))
        parts.append(item.encoded)
    sorted_token = _der(SEQUENCE, content_type.encoded + _der(content.tag, _der(SEQUENCE, b"".join(parts))))
    return _der(SEQUENCE, _der(SEQUENCE, _der(INTEGER, b"\x00")) + sorted_token)


def read_response(response: bytes) -> tuple[int, str, bytes | None]:
    """A TimeStampResp's PKIStatus, its explanation as text, and its token (if any)."""
    items = _items(_one(response, "the TSA's response", SEQUENCE), "the TSA's response", 1)
    status_info = _items(_expect(items[0], SEQUENCE, "PKIStatusInfo"), "PKIStatusInfo", 1)
    status, details = _int(status_info[0], "PKIStatus"), []
    for item in status_info[1:]:
        if item.tag == SEQUENCE:  # PKIFreeText: UTF8Strings
            details += [text.value.decode("utf-8", errors="replace") for text in _items(item, "statusString")]
        elif item.tag == 0x03 and len(item.value) > 1:  # PKIFailureInfo: named bits, bit 0 leftmost
            bits = "".join(f"{byte:08b}" for byte in item.value[1:])
            details += [FAILURE_INFO.get(bit, f"failure bit {bit}") for bit, on in enumerate(bits) if on == "1"]
    label = PKI_STATUS[status] if 0 <= status < len(PKI_STATUS) else f"unknown status {status}"
    text = f"{label} ({status})" + (f": {'; '.join(details)}" if details else "")
    return status, text, items[1].encoded if len(items) > 1 else None


def _check_signing_certificate(token: bytes, leaf_der: bytes) -> None:
    """The ESS signing-certificate attribute must name the certificate that signed.

    rfc3161-client does not check it; it binds the signature to one certificate, so a
    second certificate for the same key cannot be passed off as the signer.
    """
    signer_info = _items(_expect(_signed_data(token)[-1], SET, "signerInfos"), "signerInfos", 1)[0]
    signed_attrs = next((i for i in _items(signer_info, "the SignerInfo") if i.tag == CONTEXT_0), None)
    for attribute in _items(signed_attrs, "signedAttrs") if signed_attrs else []:
        attr_type, values = _items(attribute, "a signed attribute", 2)[:2]
        if (kind := _oid(attr_type, "a signed attribute")) in (ID_SIGNING_CERTIFICATE, ID_SIGNING_CERTIFICATE_V2):
            signing_certificate = _items(values, "signingCertificate", 1)[0]
            cert_ids = _items(_items(signing_certificate, "signingCertificate", 1)[0], "certs", 1)
            cert_id = _items(cert_ids[0], "ESSCertID", 1)
            hash_name = "sha1" if kind == ID_SIGNING_CERTIFICATE else "sha256"
            if cert_id[0].tag == SEQUENCE:  # ESSCertIDv2 with an explicit hash algorithm
                hash_name = HASH_NAMES.get(_oid(_items(cert_id[0], "hashAlgorithm", 1)[0], "hashAlgorithm"), "")
                cert_id = cert_id[1:]
            if hash_name not in HASH_NAMES.values() or not cert_id:
                raise TokenError("the token's signing-certificate attribute uses an unknown hash")
            if hashlib.new(hash_name, leaf_der).digest() != _expect(cert_id[0], OCTET_STRING, "certHash").value:
                raise TokenError("the token's signing-certificate attribute names another certificate than its signer")
            return
    raise TokenError("the token has no ESS signing-certificate attribute, which RFC 3161 requires")


def _explain(error: Exception) -> str:
    """rfc3161-client's (and OpenSSL's) wording, turned into a sentence for a researcher."""
    text = str(error)
    if chain := re.search(r'certificate verify error.*Verify error: ([^"]+)', text):
        return f"the TSA's certificate does not chain to the given root certificate(s): {chain[1]}"
    meanings = {
        "digest failure": "the timestamp token was altered: its TSTInfo no longer matches what the TSA signed",
        "signature failure": "the TSA's signature is invalid: the token was altered or not signed by its certificate",
        "signer certificate not found": "the token carries no certificate for its signer (it was requested "
        "without certReq), so its signature cannot be checked",
        "EKU": f"the TSA's certificate is not a time-stamping certificate: {text}",
    }
    return next((meaning for clue, meaning in meanings.items() if clue in text), f"the token does not verify: {text}")


def verify_token(token: bytes, data: bytes, roots_pem: bytes | None) -> TokenResult:
    """Check that the token covers `data`, then, when possible, the TSA's signature.

    With rfc3161-client installed and root certificates given, this checks the CMS
    signature, the chain from the TSA's certificate to one of the roots (valid at the
    token's genTime), its critical timeStamping key usage and the ESS signing-certificate
    attribute. Otherwise only the imprint is checked, and the note says why.
    """
    info = check_imprint(token, data)
    try:
        import rfc3161_client
        from cryptography import x509
    except ImportError:
        return TokenResult(info, False, "rfc3161-client is not installed: the TSA's signature was not checked")
    if roots_pem is None:
        return TokenResult(info, False, "no TSA certificate given: the TSA's signature was not checked")
    try:
        roots = x509.load_pem_x509_certificates(roots_pem)
    except ValueError as error:
        raise TokenError(f"the TSA root certificate file is not valid PEM: {error}") from None
    try:
        response = rfc3161_client.decode_timestamp_response(timestamp_response(token))
        rfc3161_client.VerifierBuilder(roots=roots).build().verify_message(response, data)
        signer = next(iter(response.signed_data.signer_infos))
        leaf_der = next(
            der
            for der in response.signed_data.certificates
            if (cert := x509.load_der_x509_certificate(der)).issuer == signer.issuer
            and cert.serial_number == signer.serial_number
        )
    except Exception as error:  # the library's and OpenSSL's errors are many; all mean "does not verify"
        raise TokenError(_explain(error)) from None
    _check_signing_certificate(token, leaf_der)
    subject = x509.load_der_x509_certificate(leaf_der).subject.rfc4514_string()
    return TokenResult(info, True, f"signed by {subject}, whose certificate chains to the given root certificate(s)")
