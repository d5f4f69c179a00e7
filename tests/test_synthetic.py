"""Synthetic collections fill the search index in bulk, with the documents signals would write."""

import pytest

from artifacts import synthetic
from artifacts.models import Artifact, SearchDocument
from artifacts.search.document import build_document

pytestmark = pytest.mark.django_db


def test_bulk_documents_equal_the_ones_indexing_writes_and_are_searchable():
    synthetic.generate(40, seed=3, batch_size=15, photo_share=0.1)
    assert SearchDocument.objects.count() == 40
    for document in SearchDocument.objects.select_related("artifact")[:10]:
        assert build_document(document.artifact).as_dict() == {
            "title": document.title,
            "body": document.body,
            "description": document.description,
            "notes": document.notes,
        }
    # The database's index was rebuilt after the load: every record is found by its accession.
    sample = Artifact.objects.order_by("?").first()
    assert list(Artifact.objects.search(sample.accession_number)) == [sample]
    assert Artifact.objects.search("synthetic").count() == 40
