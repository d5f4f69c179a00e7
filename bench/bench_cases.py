"""What search_bench.py measures, and the tables it reports.

TERMS were chosen with `search_bench.py --pick-terms` on the 100,000-artifact collection
(`generate_synthetic --count 100000`, seed 1): for each language the word whose share of
records is closest to 0.01 %, 1 % and 10 %. The same words are used at 1,000,000, where
the generator's Zipf weights give them about the same shares; each run records the
actual hit counts.
"""

import statistics
import urllib.parse
from dataclasses import asdict, dataclass

TERMS = {
    ("Korean", "0.01%"): "편의",
    ("Korean", "1%"): "군위",
    ("Korean", "10%"): "진지",
    ("Russian", "0.01%"): "нокиве",
    ("Russian", "1%"): "ноши",
    ("Russian", "10%"): "артиллерия",
    ("Korean in Cyrillic", "0.01%"): "ённимха",
    ("Korean in Cyrillic", "1%"): "тухан",
    ("Korean in Cyrillic", "10%"): "чоханг",
    ("English", "0.01%"): "bartarcor",
    ("English", "1%"): "meleth",
    ("English", "10%"): "lesson",
}
# Hangul queries by length: one syllable matches every bigram it starts; longer ones
# must match all their bigrams in a row.
HANGUL_BY_LENGTH = {1: "눈", 2: "포위", 3: "무인기", 5: "포위되었다"}
DATASETTE_FACETS = ("artifact_type", "verification_status", "recovery_place")
DEEP_PAGE = 400  # the deepest page the catalog pages to (10,000 results at 25 a page)


@dataclass
class Case:
    name: str
    group: str  # browse, search, hangul, detail
    path: str
    query: str | None = None
    page: int = 1
    peer: bool = False  # measured in Datasette too (page 1 of the catalog and of searches)

    def as_dict(self):
        return asdict(self)


def catalog_path(query: str | None, page: int) -> str:
    params = ([("q", query)] if query else []) + ([("page", str(page))] if page > 1 else [])
    return "/artifacts/" + ("?" + urllib.parse.urlencode(params) if params else "")


def cases() -> list[Case]:
    from django.contrib.auth.models import AnonymousUser

    from artifacts.models import Artifact

    found = [Case("catalog, page 1", "browse", catalog_path(None, 1), peer=True)]
    found.append(Case(f"catalog, page {DEEP_PAGE}", "browse", catalog_path(None, DEEP_PAGE), page=DEEP_PAGE))
    for (language, share), term in TERMS.items():
        for page in (1, DEEP_PAGE):
            name = f"{language} ~{share} “{term}”, page {'1' if page == 1 else 'deep'}"
            found.append(Case(name, "search", catalog_path(term, page), term, page, peer=page == 1))
    for length, term in HANGUL_BY_LENGTH.items():
        for page in (1, DEEP_PAGE):
            name = f"Hangul, {length} syllable{'s' if length > 1 else ''} “{term}”, page {'1' if page == 1 else 'deep'}"
            found.append(Case(name, "hangul", catalog_path(term, page), term, page, peer=page == 1))
    # A record in the middle of the collection that the public may see.
    ids = Artifact.objects.visible_to(AnonymousUser()).order_by("pk")
    middle = ids.filter(pk__gte=ids.count() // 2).values_list("accession_number", flat=True).first()
    found.append(Case("record page", "detail", f"/artifacts/{middle}/"))
    return found


# Reporting ------------------------------------------------------------------------------


def _ms(value) -> str:
    return "–" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _ratio(value) -> str:
    return "–" if value is None else f"{value:.2f}×"


def scale_table(results: dict) -> str:
    visible = results["visible"]
    lines = [
        f"### {results['label']}: {results['artifacts']:,} artifacts, {visible:,} public",
        "",
        "| Case | Hits | Share | Queries | DB floor ms | p50 ms | p95 ms | cold p50 ms | p50 ÷ floor "
        "| Datasette hits | Datasette p50 ms | p95 ms | p50 ÷ Datasette |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for case in results["cases"]:
        archive, peer = case["archive"], case.get("datasette")
        hits = case["hits"]
        hits_label = "–" if hits is None else (f"{hits:,}" if case["hits_exact"] else f"~{hits:,}")
        share = "–" if hits is None else f"{hits / visible:.3%}"
        row = [
            case["name"],
            hits_label,
            share,
            str(case["queries"]),
            _ms(case["floor_ms"]),
            _ms(archive["p50"]),
            _ms(archive["p95"]),
            _ms(case["archive_cold"]["p50"]) if "archive_cold" in case else "–",
            _ratio(archive["p50"] / case["floor_ms"]),
            f"{peer['hits']:,}" if peer else "–",
            _ms(peer["p50"]) if peer else "–",
            _ms(peer["p95"]) if peer else "–",
            _ratio(archive["p50"] / peer["p50"]) if peer else "–",
        ]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def summary(results: dict) -> dict:
    searches = [c for c in results["cases"] if c["group"] in ("search", "hangul") and c.get("datasette")]
    return {
        "search_vs_datasette": statistics.median(c["archive"]["p50"] / c["datasette"]["p50"] for c in searches),
        "archive_search_p50": statistics.median(c["archive"]["p50"] for c in searches),
        "datasette_search_p50": statistics.median(c["datasette"]["p50"] for c in searches),
        "page_vs_floor_median": statistics.median(c["archive"]["p50"] / c["floor_ms"] for c in results["cases"]),
        "page_vs_floor_max": max(c["archive"]["p50"] / c["floor_ms"] for c in results["cases"]),
        "queries": sorted({c["queries"] for c in results["cases"]}),
        "timed_out_facets": sorted({f for c in searches for f in c["datasette"]["facets_timed_out"]}),
    }


def verdicts(results: dict) -> list[str]:
    """The issue's per-scale targets, each stated as met or missed with its figure."""
    figures = summary(results)
    searches = [c for c in results["cases"] if c["group"] in ("search", "hangul") and c.get("datasette")]
    worst = max(searches, key=lambda c: c["archive"]["p50"] / c["datasette"]["p50"])
    slowest = max(results["cases"], key=lambda c: c["archive"]["p50"])
    floor_worst = max(results["cases"], key=lambda c: c["archive"]["p50"] / c["floor_ms"])

    def said(met: bool) -> str:
        return "**met**" if met else "**missed**"

    ratio, worst_ratio = figures["search_vs_datasette"], worst["archive"]["p50"] / worst["datasette"]["p50"]
    floor_ratio = floor_worst["archive"]["p50"] / floor_worst["floor_ms"]
    return [
        f"- Median per-case p50 ≤ 0.5× Datasette: {said(ratio <= 0.5)} ({_ratio(ratio)}).",
        f"- No search case above 1× Datasette: {said(worst_ratio <= 1)} (worst {_ratio(worst_ratio)}, "
        f"{worst['name']}).",
        f"- Every page under 1 s p50: {said(slowest['archive']['p50'] < 1000)} "
        f"(slowest {_ms(slowest['archive']['p50'])} ms, {slowest['name']}).",
        f"- Page ≤ 1.5× its database floor: {said(floor_ratio <= 1.5)} (worst {_ratio(floor_ratio)}, "
        f"{floor_worst['name']}).",
    ]


def growth_table(small: dict, large: dict) -> str:
    lines = [
        f"### Growth from {small['label']} to {large['label']}",
        "",
        f"| Case | p50 ms at {small['label']} | p50 ms at {large['label']} | Growth |",
        "|---|--:|--:|--:|",
    ]
    by_name = {case["name"]: case for case in small["cases"]}
    for case in large["cases"]:
        before = by_name.get(case["name"])
        if before:
            row = [case["name"], _ms(before["archive"]["p50"]), _ms(case["archive"]["p50"])]
            row.append(_ratio(case["archive"]["p50"] / before["archive"]["p50"]))
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def report(all_results: list[dict]) -> str:
    parts = []
    for results in all_results:
        parts.append(scale_table(results))
        figures = summary(results)
        parts.append(
            "Search and facets, page 1, median over the search cases: archive "
            f"{_ms(figures['archive_search_p50'])} ms, Datasette {_ms(figures['datasette_search_p50'])} ms; "
            f"median per-case ratio {_ratio(figures['search_vs_datasette'])}. Page time ÷ database floor: "
            f"median {_ratio(figures['page_vs_floor_median'])}, worst {_ratio(figures['page_vs_floor_max'])}. "
            f"Queries per page: {', '.join(map(str, figures['queries']))}. "
            f"Facets Datasette dropped: {', '.join(figures['timed_out_facets']) or 'none'}."
        )
        parts.append("\n".join(verdicts(results)))
    if len(all_results) == 2:
        parts.append(growth_table(*all_results))
    return "\n\n".join(parts)
