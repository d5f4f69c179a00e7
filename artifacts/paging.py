"""How many results there are, and paging through them, at a cost that does not grow with
the archive.

Totals are exact up to EXACT_UP_TO and estimated beyond. Counting exactly means visiting
every matching row: at a million artifacts a broad search (“soldier”, or no search at
all) matches hundreds of thousands, and counting them would take longer than everything
else on the page together. 10,000 is the line Elasticsearch draws by default
(track_total_hits) for the same reason, and it is where an exact figure stops mattering
to a reader: nobody pages through 400 pages, and “about 12,300” tells a researcher as
much as “12,347” about whether to narrow the search. The count query reads at most
10,001 matching ids (LIMIT), so it stops there however many match; only when it hits the
limit is the database asked for an estimate (see backends.estimate_count), and the page
then says “about”.

Paging is by offset, capped at the same 10,000 results. An offset costs the database
the rows it skips, so the cap bounds the deepest page at the cost of the count; keyset
(cursor) paging would avoid that but gives no page numbers, and page numbers are what a
researcher writes in a note or a citation (“page 3 of the results for …”) and what the
URL keeps. Beyond 10,000 the page says to narrow the search or change the sort, which
is also what makes the rest reachable: every record is reachable within 10,000 results
of some sort order or filter.
"""

import json
import math
from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Expression, F
from django.utils.formats import number_format
from django.utils.translation import gettext

from artifacts.search import backend_for, ranked_rows

EXACT_UP_TO = 10_000
PAGEABLE = 10_000  # at most EXACT_UP_TO: the results beyond an exact count are only estimated


@dataclass(frozen=True)
class Total:
    value: int
    exact: bool
    # The first EXACT_UP_TO + 1 matching ids in id order (all of them when exact).
    ids: tuple = field(default=(), compare=False, repr=False)

    def __int__(self):
        return self.value

    @property
    def label(self) -> str:
        """“1,234”, or for an estimate “about 12,300” (three significant figures), with
        the digits grouped as the reader's language groups them."""
        if self.exact:
            return number_format(self.value, force_grouping=True)
        digits = max(0, len(str(self.value)) - 3)
        return gettext("about %(count)s") % {"count": number_format(round(self.value, -digits), force_grouping=True)}


def count_results(queryset) -> Total:
    """The number of rows in `queryset`: exact up to EXACT_UP_TO, estimated beyond."""
    # The first ids in id order rather than COUNT(*) over the same LIMIT: about as cheap,
    # and they are what the facets count, without evaluating the search again (exactly,
    # or as a sample of a larger result: see facets.Sample).
    backend = backend_for(queryset.db)
    ids, estimate = backend.first_ids(queryset, EXACT_UP_TO + 1)
    if len(ids) <= EXACT_UP_TO:
        return Total(len(ids), exact=True, ids=ids)
    if estimate is None:
        estimate = backend.estimate_count(queryset, len(ids))
    return Total(max(estimate, len(ids)), exact=False, ids=ids)


class IdIn(Expression):
    """pk IN (ids) with the ids as one parameter (an array on PostgreSQL, JSON on SQLite):
    ten thousand placeholders would cost more to send and parse than the count itself."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, ids):
        super().__init__()
        self.ids, self.key = list(ids), F("pk")

    def get_source_expressions(self):
        return [self.key]

    def set_source_expressions(self, exprs):
        (self.key,) = exprs

    def as_sql(self, compiler, connection):
        key, params = compiler.compile(self.key)
        if connection.vendor == "postgresql":
            return f"{key} = ANY(%s)", [*params, self.ids]
        # `key` is a column Django compiled; the ids are a bound parameter.
        return f"{key} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.ids)]  # noqa: S608


def known_rows(base, results, total: Total):
    """`results`, or when `total` is exact, the same rows read by primary key from `base`
    (ordered as `results` is): count_results has already found every matching id, so the
    page need not run the search and the filters a second time."""
    if not total.exact:
        return results
    return base.filter(IdIn(total.ids)).order_by(*results.query.order_by)


def page_rows(base, results, total: Total, *, ranked_by: str = ""):
    """What the paginator slices: for a relevance sort on a database whose index returns
    matches in rank order, the results read in that order (search.ranked_rows); else
    known_rows()."""
    if ranked_by:
        rows = ranked_rows(results, ranked_by)
        if rows is not None:
            return rows
    return known_rows(base, results, total)


class CappedPage(Page):
    def end_index(self):
        # Django's takes the last page to end at the total; here it may end at the cap.
        return 0 if not self.paginator.count else self.start_index() + len(self.object_list) - 1


class CappedPaginator(Paginator):
    """A Paginator over `total` results (exact or estimated) that pages through at most
    PAGEABLE of them. `count` stays the total, for the sentence above the results."""

    def __init__(self, object_list, per_page, total: Total, **kwargs):
        self.total = total
        self.limit = PAGEABLE
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self):
        return self.total.value

    @property
    def pageable(self) -> int:
        return min(self.count, self.limit)

    @property
    def capped(self) -> bool:
        return self.count > self.limit

    @property
    def pageable_label(self) -> str:
        return number_format(self.limit, force_grouping=True)

    @cached_property
    def num_pages(self):
        if self.pageable == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, math.ceil(self.pageable / self.per_page))

    def page(self, number):
        # As Django's, except that an estimated total never cuts a page short: the slice
        # itself says how many results there are.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if self.total.exact and top + self.orphans >= self.count:
            top = self.count
        return CappedPage(self.object_list[bottom:top], number, self)
