"""The researchers' checker as one runnable file: `python3 bfa-verify.pyz RECORD.json`.

A zipapp (PEP 441) of the standard-library modules in artifacts/custody/checker, so the
file that researchers run is the very code the archive uses to build what they check.
"""

import io
import zipfile
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "checker"
MAIN = "import sys\n\nfrom bfa_checker.cli import main\n\nsys.exit(main())\n"


def build() -> bytes:
    buffer = io.BytesIO()
    buffer.write(b"#!/usr/bin/env python3\n")
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("__main__.py", MAIN)
        for path in sorted(SOURCE.glob("*.py")):
            if path.name != "__main__.py":
                # A fixed date keeps the file byte-identical from one build to the next.
                info = zipfile.ZipInfo(f"bfa_checker/{path.name}", date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def write(path: Path) -> None:
    path.write_bytes(build())
    path.chmod(0o755)
