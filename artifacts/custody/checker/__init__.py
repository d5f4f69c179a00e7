"""The researchers' checker: verifies a custody record, its log proofs and signed heads.

Standard library only (it uses `cryptography` and `rfc3161-client` for signatures when
they are installed, and says so when they are not), so that anyone can run it without
installing the archive. The archive imports these same modules to build what the
checker verifies, so the two can never disagree. The archive serves them zipped as one
runnable file, `bfa-verify.pyz` (see artifacts.custody.checker_zip).
"""
