"""A real, local RFC 3161 Time-Stamping Authority for tests.

`openssl ts -reply` signs the answers with a throwaway root CA and TSA certificate made
in a working folder; a small HTTP server in a daemon thread speaks the RFC 3161 HTTP
transport to it. Nothing outside the working folder is written.

tests/conftest.py makes the fixture available to every test module with
`from tests.tsa_server import tsa_fixture as tsa`; a module may also import it the same
way itself.
"""

import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

POLICY_OID = "1.2.3.4.1"
MAX_QUERY_BYTES = 64 * 1024

TSA_EXTENSIONS = """\
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""

# `openssl ts -reply` section: the certificate chain goes into every reply that asks
# for it (certReq), and the ESS signing-certificate-v2 attribute uses SHA-256.
TS_CONFIG = """\
[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
serial = {dir}/serial
crypto_device = builtin
signer_cert = {dir}/tsa.pem
certs = {dir}/ca.pem
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = {policy}
digests = sha256, sha384, sha512
accuracy = secs:1, millisecs:500
clock_precision_digits = 3
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def openssl(*args: str, cwd: Path) -> bytes:
    """Run the openssl CLI; its own error text in the exception when it fails."""
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {args[0]} failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def make_ca(workdir: Path, name: str = "ca") -> tuple[Path, Path]:
    """A self-signed EC root CA: returns (certificate PEM path, key path)."""
    cert, key = workdir / f"{name}.pem", workdir / f"{name}.key"
    openssl(
        "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/O=Test Archive/CN=Test Root {name}",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=workdir,
    )  # fmt: skip
    return cert, key


def make_tsa_certificate(workdir: Path, ca_cert: Path, ca_key: Path, name: str = "tsa") -> tuple[Path, Path]:
    """A TSA signing certificate (critical EKU timeStamping) issued by the given CA."""
    cert, key, csr, ext = (workdir / f"{name}{suffix}" for suffix in (".pem", ".key", ".csr", ".ext"))
    ext.write_text(TSA_EXTENSIONS)
    openssl(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", str(key), "-out", str(csr), "-subj", f"/O=Test Archive/CN=Test TSA {name}",
        cwd=workdir,
    )  # fmt: skip
    openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(ca_cert), "-CAkey", str(ca_key), "-set_serial", "4242",
        "-days", "2", "-extfile", str(ext), "-out", str(cert),
        cwd=workdir,
    )  # fmt: skip
    return cert, key


def _der(tag: int, content: bytes) -> bytes:
    if len(content) < 0x80:
        return bytes([tag, len(content)]) + content
    size = len(content).to_bytes((len(content).bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def rejection_reply(text: str = "request refused by the test TSA") -> bytes:
    """A TimeStampResp with status rejection(2), a status string and failInfo badDataFormat(5)."""
    status = _der(0x02, b"\x02") + _der(0x30, _der(0x0C, text.encode())) + _der(0x03, b"\x02\x04")
    return _der(0x30, _der(0x30, status))


@dataclass
class LocalTSA:
    """What a test sees of the running TSA.

    Set `fail_next` to "rejection" (a status-2 reply), "http500" or "garbage" (a 200
    with bytes that are not a TimeStampResp) to spoil the next answer only.
    """

    url: str
    root_pem: bytes
    policy_oid: str = POLICY_OID
    requests: int = 0
    fail_next: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


def _handler(tsa: LocalTSA, workdir: Path) -> type[BaseHTTPRequestHandler]:
    config = workdir / "tsa.cnf"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # the base class names it `format`
            pass  # keep test output quiet

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):  # http.server dispatches on this name
            length = int(self.headers.get("Content-Length") or 0)
            if self.path != "/tsa" or not 0 < length <= MAX_QUERY_BYTES:
                self._send(400, b"POST a DER TimeStampReq to /tsa\n", "text/plain")
                return
            query = self.rfile.read(length)
            # openssl ts rewrites the serial file, so one reply at a time.
            with tsa.lock:
                tsa.requests += 1
                failure, tsa.fail_next = tsa.fail_next, None
                if failure == "http500":
                    self._send(500, b"the test TSA is failing on purpose\n", "text/plain")
                    return
                if failure in ("rejection", "garbage"):
                    body = rejection_reply() if failure == "rejection" else b"\x30\x03not a reply"
                    self._send(200, body, "application/timestamp-reply")
                    return
                with tempfile.TemporaryDirectory(dir=workdir) as scratch:
                    query_file, reply_file = Path(scratch) / "query.tsq", Path(scratch) / "reply.tsr"
                    query_file.write_bytes(query)
                    try:
                        openssl(
                            "ts", "-reply", "-config", str(config), "-queryfile", str(query_file),
                            "-out", str(reply_file), cwd=workdir,
                        )  # fmt: skip
                    except RuntimeError as error:
                        self._send(400, f"{error}\n".encode(), "text/plain")
                        return
                    reply = reply_file.read_bytes()
            self._send(200, reply, "application/timestamp-reply")

    return Handler


@contextmanager
def running_tsa(workdir: Path) -> Iterator[LocalTSA]:
    """Create the CA and TSA certificate in `workdir`, serve until the block exits."""
    workdir.mkdir(parents=True, exist_ok=True)
    ca_cert, ca_key = make_ca(workdir, "ca")
    make_tsa_certificate(workdir, ca_cert, ca_key, "tsa")
    (workdir / "serial").write_text("01\n")
    (workdir / "tsa.cnf").write_text(TS_CONFIG.format(dir=workdir, policy=POLICY_OID))

    tsa = LocalTSA(url="", root_pem=ca_cert.read_bytes())
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(tsa, workdir))
    tsa.url = f"http://127.0.0.1:{server.server_address[1]}/tsa"
    thread = threading.Thread(target=server.serve_forever, name="local-tsa", daemon=True)
    thread.start()
    try:
        yield tsa
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def tsa_fixture(tmp_path_factory) -> Iterator[LocalTSA]:
    """One local TSA for the whole test session."""
    with running_tsa(tmp_path_factory.mktemp("tsa")) as tsa:
        yield tsa
