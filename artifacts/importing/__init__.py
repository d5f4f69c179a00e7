"""Bulk import of artifacts from CSV or JSON, with their photos from a folder or ZIP.

An import runs in two passes over the file. The first checks every row and collects every
problem (by row and column) without writing anything. Only when the whole file is clean
does the second pass write it, in one transaction: either every row is written or none,
and the photo files stored on the way are deleted again if the transaction fails.

Use run_import() from code; `manage.py import_artifacts` and the admin's import page are
thin layers over it. The format is documented in the README (“Bulk import format”).
"""

from artifacts.importing.report import ImportReport, Problem
from artifacts.importing.runner import run_import

__all__ = ["ImportReport", "Problem", "run_import"]
