"""Exact pages of relevance-ordered results, read in the order a RUM index returns them.

A RUM index hands over the matches of a search already sorted by rank distance, so the
first page costs the rows on it, not a sort of every match. But the archive's relevance
order has a second key: records that rank the same follow accession order (a page
cited as “page 3 of the results for …” must show the same records tomorrow), and
PostgreSQL cannot add a second key to an index's distance order (no incremental sort on
top of it). Ranks tie often: ts_rank without length normalisation gives every record
with, say, one match in its body the same score.

So a page is found in two steps. The index's order is read up to the page's end and on
to the end of the group of equal distances the page ends in; those rows are sorted by
(distance, accession number) by the database, which is exactly the full order on them,
since every row that could come before them has a smaller distance and was read. Then the page's
records are loaded by primary key. Reading stops once past the tie: a LIMIT the index
scan stops at, doubled only when a tie group runs past it.
"""

from django.db import connections

from artifacts.paging import IdIn

FIRST_EXTRA = 200  # rows read past the page's end, to see its tie group end


class RankedRows:
    """The rows of `results` (a search, filtered as the viewer may see it) in relevance
    order, for a Paginator: it can be sliced (page by page), nothing else."""

    def __init__(self, results, distance, tie_break: str = "accession_number"):
        self.results = results.order_by()
        self.distance = distance
        self.tie_break = tie_break

    def ids(self, start: int, stop: int) -> list[int]:
        """The primary keys of rows start … stop-1 in (distance, tie_break) order."""
        if stop <= start:
            return []
        ordered = self.results.annotate(_distance=self.distance).order_by("_distance")
        # Each row read costs a lookup of its record: read a little past the page first,
        # and more only when a tie group runs on.
        limit = stop + max(FIRST_EXTRA, stop // 8)
        while True:
            found = list(ordered.values_list("_distance", self.tie_break, "pk")[:limit])
            if any(later[0] < earlier[0] for earlier, later in zip(found, found[1:], strict=False)):
                # The index's order disagrees with the distance it reports: never seen
                # with the queries the archive builds, but if it happens the page comes
                # from a full sort, slow and exact.
                return self._fully_sorted(start, stop)
            if len(found) < limit:
                rows = found  # every match has been read
                break
            boundary = found[stop - 1][0]
            if found[-1][0] > boundary:
                # The tie group the page ends in is complete: nothing beyond the rows
                # read can sort before the page's last row.
                rows = [row for row in found if row[0] <= boundary]
                break
            limit *= 2
        return self._sorted(rows, start, stop)

    def _fully_sorted(self, start: int, stop: int) -> list[int]:
        ordered = self.results.annotate(_distance=self.distance).order_by("_distance", self.tie_break, "pk")
        return list(ordered.values_list("pk", flat=True)[start:stop])

    def _sorted(self, rows, start: int, stop: int) -> list[int]:
        # Sorted by the database, so that accession numbers compare under its collation,
        # exactly as ORDER BY accession_number would (a sort in Python would not).
        if not rows:
            return []
        distances, keys, ids = (list(column) for column in zip(*rows, strict=True))
        with connections[self.results.db].cursor() as cursor:
            cursor.execute(
                "SELECT pk FROM unnest(%s::float8[], %s::text[], %s::bigint[]) AS t(distance, key, pk) "
                "ORDER BY distance, key, pk OFFSET %s LIMIT %s",
                [distances, keys, ids, start, stop - start],
            )
            return [row[0] for row in cursor.fetchall()]

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("RankedRows supports plain slices only.")
        start, stop = key.start or 0, key.stop
        ids = self.ids(start, stop)
        by_id = {row.pk: row for row in self.results.filter(IdIn(ids))}
        return [by_id[pk] for pk in ids if pk in by_id]

    def __len__(self):
        raise TypeError("RankedRows has no length: give the paginator the count (paging.Total).")
