"""Index the artifacts an import wrote, a chunk at a time, in bulk.

Bulk writes fire no signals, so the importer brings the search documents of the artifacts
it touched up to date itself, once each, after all their parts are written: the same
documents the search module builds (artifacts.search.document.build_document), written
with one bulk insert for new artifacts and one bulk update for existing ones instead of
two queries per artifact. New artifacts are indexed from the objects still in memory;
changed ones are read back with the relations artifacts.search.indexing prefetches.
The database derives its own index (FTS5 triggers, a generated tsvector) from these rows.
"""

from artifacts.importing.bulk import update_rows
from artifacts.models import Artifact, SearchDocument
from artifacts.search import indexing
from artifacts.search.document import build_document

BATCH = 500


def index_in_bulk(artifact_ids: list[int], *, new=()) -> None:
    """Rebuild the documents of `artifact_ids` (read back with their relations), and create
    those of `new`: (artifact, children) pairs of artifacts written by this import, whose
    children (texts, phrases, serial_numbers, object_details, military_id, languages,
    sources) are passed from memory, as the synthetic collection generator does."""
    SearchDocument.objects.bulk_create(
        [SearchDocument(artifact_id=a.pk, **build_document(a, **children).as_dict()) for a, children in new]
    )
    ids = sorted(set(artifact_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        artifacts = (
            Artifact.objects.filter(pk__in=chunk)
            .select_related(*indexing.ARTIFACT_RELATED)
            .prefetch_related(*indexing.artifact_prefetch())
        )
        documents = [SearchDocument(artifact_id=a.pk, **build_document(a).as_dict()) for a in artifacts]
        stored = set(SearchDocument.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        SearchDocument.objects.bulk_create([d for d in documents if d.artifact_id not in stored])
        fields = [f.name for f in SearchDocument._meta.concrete_fields if not f.primary_key]
        update_rows(SearchDocument, [d for d in documents if d.artifact_id in stored], fields)
