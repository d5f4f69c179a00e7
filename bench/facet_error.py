"""How far the catalog's estimated facet counts are from the exact ones.

Above paging.EXACT_UP_TO matches the catalog counts facets on a sample (facets.Sample)
and shows “~” counts. This script builds the facets exactly as the catalog page does, for
an anonymous visitor, then counts every facet value over all matches, and reports each
estimated value's error beside the error sampling theory expects for its share:
the relative standard error of a share p estimated from n of N matches is
sqrt((1 - p) / (n p)) * sqrt(1 - n / N).

    DATABASE_URL=postgres://…/bench_100k python bench/facet_error.py [--markdown] [QUERY …]

With no query it takes the catalog and every search term of bench_cases.py (those that
match no more than EXACT_UP_TO records have exact counts, and no rows here).
"""

import argparse
import math
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "artifacts.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import QueryDict  # noqa: E402

from artifacts import paging  # noqa: E402
from artifacts.facets import FACETS, build_facets  # noqa: E402
from artifacts.filters import catalog_filter  # noqa: E402
from artifacts.models import Artifact  # noqa: E402

FIELDS = {param: field for param, field, _label, _choices in FACETS} | {"photos": "has_photos"}


def exact_counts(queryset, field) -> dict[str, int]:
    rows = queryset.order_by().values_list(field).annotate(n=Count("pk"))
    if field == "has_photos":
        return {("yes" if value else "no"): n for value, n in rows}
    return {str(value): n for value, n in rows}


def measure(query: str) -> list[dict]:
    visitor = AnonymousUser()
    data = QueryDict(mutable=True)
    if query:
        data["q"] = query
    base = Artifact.objects.visible_to(visitor).with_photo_flags(visitor)
    filterset = catalog_filter(data, base)
    total = paging.count_results(filterset.qs)
    facets = build_facets(filterset, data, total)
    matches = filterset.qs.count()
    sample = min(matches, paging.EXACT_UP_TO + 1)
    found = []
    for facet in facets:
        exact = exact_counts(filterset.qs, FIELDS[facet.param])
        for value in facet.values:
            true = exact.get(value.value, 0)
            if not value.approximate or not true:
                continue
            share = true / matches
            expected = math.sqrt((1 - share) / (sample * share)) * math.sqrt(max(0.0, 1 - sample / matches))
            found.append(
                {
                    "query": query or "(catalog)",
                    "matches": matches,
                    "facet": facet.param,
                    "value": value.label,
                    "share": share,
                    "exact": true,
                    "estimate": value.count,
                    "error": (value.count - true) / true,
                    "expected": expected,
                }
            )
    return found


def default_queries() -> list[str]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_cases import HANGUL_BY_LENGTH, TERMS

    return ["", *TERMS.values(), *HANGUL_BY_LENGTH.values()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queries", nargs="*")
    parser.add_argument("--markdown", action="store_true", help="Print the tables for bench/FACET_RESULTS.md.")
    options = parser.parse_args()
    rows = [row for query in (options.queries or default_queries()) for row in measure(query)]
    over_1 = [row for row in rows if row["share"] > 0.01]
    print("| Query | Matches | Facet | Value | Share | Exact | Estimate | Error | Expected (1 s.e.) |")
    print("|---|--:|---|---|--:|--:|--:|--:|--:|")
    for row in rows:
        print(
            f"| {row['query']} | {row['matches']:,} | {row['facet']} | {row['value']} | {row['share']:.2%} "
            f"| {row['exact']:,} | {row['estimate']:,} | {row['error']:+.1%} | {row['expected']:.1%} |"
        )
    if over_1:
        worst = max(over_1, key=lambda row: abs(row["error"]))
        beyond = [row for row in over_1 if abs(row["error"]) > 0.05]
        print()
        print(
            f"Estimated values with a share above 1 %: {len(over_1)}; worst error {worst['error']:+.1%} "
            f"({worst['query']}, {worst['facet']} = {worst['value']}, share {worst['share']:.2%}); "
            f"{len(beyond)} beyond ±5 %."
        )


if __name__ == "__main__":
    main()
