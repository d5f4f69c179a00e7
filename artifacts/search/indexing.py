"""Writing search documents: after every change (signals.py), in bulk, and from scratch.

Indexing is synchronous, inside the caller's transaction: a record and its search
document commit or roll back together, so search can never lag or outlive what it
indexes. The database derives its own index from the stored tokens (see schema.py).

A bulk writer (an import, the demo loader) can wrap its work in `deferred()` to index
each touched artifact once at the end instead of after every child row.
"""

import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connections, transaction

from artifacts.search.document import build_document
from artifacts.search.schema import bulk_load_statements, postgresql_index_method

# What build_document reads, fetched in a fixed number of queries per batch.
ARTIFACT_PREFETCH = (
    "texts",
    "phrases",
    "serial_numbers",
    "languages",
    "sources__publisher_organisation__names",
    "place__names",
    "recovered_by__names",
    "custodian__names",
    "military_id__issuer__names",
)
ARTIFACT_RELATED = ("object_details", "military_id")


def artifact_prefetch() -> tuple:
    """ARTIFACT_PREFETCH, and the photos the public may see with their transcribed regions
    (as `public_photos`, see document.public_annotations): a queryset, so built on use."""
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Prefetch

    from artifacts.annotations.models import PhotoAnnotation
    from artifacts.models import Photo

    photos = (
        Photo.objects.visible_to(AnonymousUser(), artifact_checked=True)
        .only("pk", "artifact_id", "position")
        .order_by("position", "pk")
        .prefetch_related(Prefetch("annotations", queryset=PhotoAnnotation.objects.order_by("position", "pk")))
    )
    return (*ARTIFACT_PREFETCH, Prefetch("photos", queryset=photos, to_attr="public_photos"))


BATCH_SIZE = 500

_state = threading.local()


def _models():
    from artifacts.models import Artifact, SearchDocument

    return Artifact, SearchDocument


def index_artifact(*artifact_ids: int) -> None:
    """Bring these artifacts' search documents up to date (removing those of artifacts
    that are gone) — now, or at the end of the enclosing deferred() block."""
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.update(artifact_ids)
        return
    index_artifacts(artifact_ids)


def index_artifacts(artifact_ids: Iterable[int], *, using: str = "default", rewrite: bool = False) -> int:
    """Rebuild the documents of these artifacts; returns how many were written. With
    `rewrite`, each batch's documents are deleted and inserted in bulk (for reindex_all)
    instead of updated one by one."""
    Artifact, SearchDocument = _models()
    documents = SearchDocument.objects.using(using)
    ids = sorted(set(artifact_ids))
    written = 0
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        artifacts = list(
            Artifact.objects.using(using)
            .filter(pk__in=chunk)
            .select_related(*ARTIFACT_RELATED)
            .prefetch_related(*artifact_prefetch())
        )
        built = {artifact.pk: build_document(artifact).as_dict() for artifact in artifacts}
        with transaction.atomic(using=using):
            if rewrite:
                documents.filter(pk__in=chunk).delete()
                documents.bulk_create([SearchDocument(artifact_id=pk, **fields) for pk, fields in built.items()])
            else:
                documents.filter(pk__in=set(chunk) - set(built)).delete()
                for pk, fields in built.items():
                    if not documents.filter(pk=pk).update(**fields):
                        documents.create(artifact_id=pk, **fields)
        written += len(built)
    return written


def index_missing(*, using: str = "default") -> int:
    """Index every artifact that has no search document: after `migrate` on a database
    whose artifacts predate the index (migrations do not run the analyzer: they are
    frozen, it is not). Returns how many were written."""
    Artifact, _ = _models()
    missing = Artifact.objects.using(using).filter(search_document__isnull=True).values_list("pk", flat=True)
    return index_artifacts(list(missing.iterator()), using=using)


def index_missing_after_migrate(*, using: str = "default", **kwargs) -> None:
    """post_migrate receiver: only on a fully migrated database, where the live models
    match the tables (not after `migrate artifacts 0006`, say)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return
    index_missing(using=using)


def reindex_all(*, using: str = "default", progress=None) -> int:
    """Rebuild every document with the current analyzer, then the database's own index."""
    Artifact, SearchDocument = _models()
    ids = list(Artifact.objects.using(using).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic(using=using):
        SearchDocument.objects.using(using).exclude(pk__in=Artifact.objects.using(using).values("pk")).delete()
    done = 0
    with bulk_loading(using=using):  # the database's index is rebuilt once, at the end
        for start in range(0, len(ids), BATCH_SIZE * 4):
            done += index_artifacts(ids[start : start + BATCH_SIZE * 4], using=using, rewrite=True)
            if progress:
                progress(done, len(ids))
    return done


@contextmanager
def deferred():
    """Collect the artifacts changed inside the block and index each once, at its end."""
    if getattr(_state, "pending", None) is not None:
        yield  # already collecting: the outermost block indexes
        return
    _state.pending = set()
    try:
        yield
        pending = _state.pending
    finally:
        _state.pending = None
    index_artifacts(pending)


@contextmanager
def bulk_loading(*, using: str = "default"):
    """For loading many new search documents at once (generate_synthetic, a large import):
    the database's index is set aside during the block and rebuilt once at its end,
    whether the block succeeds or not. Searches during the block are slow or incomplete,
    so this is for loading, not for a live archive's everyday writes."""
    connection = connections[using]
    method = postgresql_index_method(connection) if connection.vendor == "postgresql" else "gin"
    before, after = bulk_load_statements(connection.vendor, method)
    with connection.cursor() as cursor:
        for statement in before:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in after:
                cursor.execute(statement)
