"""The API's views: the catalog as a list and each record in full.

The list is the catalog page in JSON: the same FilterSet (artifacts.filters), the same
search entry point (Artifact.objects…search, through the FilterSet's `q`), the same sort
keys, starting from the same visible_to(user) queryset, so a script and a researcher see
the same results for the same URL parameters. Unlike the page, which drops a bad filter
and says so, the API answers 400 and names the parameter: a script cannot read a notice.
"""

from django.core.paginator import InvalidPage
from django.http import Http404
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from artifacts import citations, paging
from artifacts.access import viewer_level
from artifacts.annotations.reading import attach_annotations
from artifacts.api.serializers import ArtifactDetailSerializer, ArtifactSummarySerializer
from artifacts.authorities.models import authority_prefetch
from artifacts.choices import AccessLevel, ArtifactType, VerificationStatus
from artifacts.custody.record import custody_document
from artifacts.filters import SORT_CHOICES, SORTS, ArtifactFilter, order_for
from artifacts.models import Artifact, PersonalDatum, Photo, Relation, SourceCitation
from artifacts.views.pages import DEFAULT_PER_PAGE, PER_PAGE_CHOICES
from artifacts.views.record import INVERSE_RELATION

WITHHELD_NOTE = "withheld: personal data"  # a value of the API's answers: English, as every field name


def _format_lazy(message, **values) -> str:
    """`message % values`, read when the schema is generated, in the language of the request
    (the documentation page's, or /api/schema/?lang=uk)."""
    return lazy(lambda: str(message) % values, str)()


class CatalogPagination(PageNumberPagination):
    """Page numbers as on the catalog page, through the same paging (artifacts.paging): the
    count is exact up to paging.EXACT_UP_TO and estimated beyond (`count_exact` says
    which), the first PAGEABLE results can be paged through, and a search sorted by
    relevance reads its page in the index's rank order where the database has one. The
    count is taken over the records the viewer may see, so it never reveals restricted
    ones."""

    page_size = DEFAULT_PER_PAGE
    page_query_description = _("Page number, from 1.")
    page_size_query_description = _format_lazy(
        _("Results per page, %(default)s unless given; at most %(most)s."),
        default=DEFAULT_PER_PAGE,
        most=max(PER_PAGE_CHOICES),
    )
    page_size_query_param = "per_page"
    max_page_size = max(PER_PAGE_CHOICES)

    def paginate_queryset(self, queryset, request, view=None):
        page_size = self.get_page_size(request)
        total = paging.count_results(queryset)
        query = (request.query_params.get("q") or "").strip()
        sort, _ordering = order_for(request.query_params.get("sort", ""), query)
        base = view.get_queryset() if view is not None else queryset
        rows = paging.page_rows(base, queryset, total, ranked_by=query if sort == "relevance" else "")
        paginator = paging.CappedPaginator(rows, page_size, total)
        number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(number)
        except InvalidPage as error:
            message = self.invalid_page_message.format(page_number=number, message=str(error))
            if paginator.capped:
                message = ngettext(
                    "Only the first %(count)s result can be paged through: narrow the search or change the sort.",
                    "Only the first %(count)s results can be paged through: narrow the search or change the sort.",
                    paginator.limit,
                ) % {"count": paginator.pageable_label}
            raise NotFound(message) from error
        self.request = request
        return list(self.page)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.total.exact
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["description"] = gettext(
            "How many records match: exact up to %(exact)s, estimated beyond (see count_exact); "
            "the first %(pageable)s can be paged through."
        ) % {"exact": paging.EXACT_UP_TO, "pageable": paging.PAGEABLE}
        schema["properties"]["count_exact"] = {
            "type": "boolean",
            "description": gettext("False when count is an estimate."),
        }
        return schema


def visible_relations(artifact, user) -> list[dict]:
    """Relations stated from either end, to artifacts the viewer may see."""
    visible = Artifact.objects.visible_to(user)
    items = []
    outgoing = Relation.objects.filter(from_artifact=artifact, to_artifact__in=visible).select_related("to_artifact")
    for relation in outgoing:
        items.append(
            {
                "relation_type": relation.relation_type,
                "label": relation.get_relation_type_display(),
                "direction": "outgoing",
                "artifact": relation.to_artifact,
                "note": relation.note,
            }
        )
    incoming = Relation.objects.filter(to_artifact=artifact, from_artifact__in=visible).select_related("from_artifact")
    for relation in incoming:
        items.append(
            {
                "relation_type": relation.relation_type,
                "label": INVERSE_RELATION.get(relation.relation_type, relation.get_relation_type_display()),
                "direction": "incoming",
                "artifact": relation.from_artifact,
                "note": relation.note,
            }
        )
    return sorted(items, key=lambda item: (item["label"], item["artifact"].accession_number))


def personal_data_items(artifact, user) -> list[dict]:
    """Every item's kind; its value only where the viewer may see it. Values the viewer may
    not see are never read from the database."""
    visible = dict(PersonalDatum.objects.visible_to(user).filter(artifact=artifact).values_list("pk", "value"))
    items = artifact.personal_data.only("pk", "field", "text_id").order_by("field", "pk")
    positions = {text.pk: text.position for text in artifact.texts.all()}
    return [
        {
            "field": item.field,
            "label": item.get_field_display(),
            "text_position": positions.get(item.text_id),
            "withheld": item.pk not in visible,
            "value": visible.get(item.pk),
            "note": None if item.pk in visible else WITHHELD_NOTE,
        }
        for item in items
    ]


# The catalog's date filters take text (a year, month or day), which the schema generator
# cannot infer from their form field; say what they accept.
for _name, _text in (
    (
        "recovered_from",
        _("Records possibly recovered in or after this year, month or day (2024, 2024-12, 2024-12-31)."),
    ),
    ("recovered_to", _("Records possibly recovered in or before this year, month or day.")),
):
    extend_schema_field({"type": "string", "pattern": r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$", "description": _text})(
        ArtifactFilter.base_filters[_name]
    )


def _choices(choices) -> str:
    return ", ".join(f"{value} ({label})" for value, label in choices)


def _with_values(description, choices) -> str:
    # Labels are read when the schema is generated, in the language of the request.
    return gettext("%(description)s Values: %(values)s.") % {"description": description, "values": _choices(choices)}


def _many(name, description, choices=None) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "array", "items": {"type": "string", **({"enum": [c for c, _label in choices]} if choices else {})}},
        description=lazy(_with_values, str)(description, choices) if choices else description,
        explode=True,
        style="form",
    )


# What each catalog parameter means, for the schema and the documentation page.
LIST_PARAMETERS = [
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description=_("Search, exactly as typed into the catalog's search box (see the help beneath it)."),
    ),
    _many("type", _("Type of artifact; repeat for several (any of them)."), ArtifactType.choices),
    _many("verification", _("Verification status; repeat for several."), VerificationStatus.choices),
    _many(
        "place",
        _(
            "Place of recovery: a place's number (the id in a record's place; the places within it are "
            "included), or its wording exactly as recorded; repeat for several."
        ),
    ),
    _many(
        "unit",
        _(
            "Recovering organisation or unit: its number (its units included), or its wording exactly as "
            "recorded; repeat for several."
        ),
    ),
    _many(
        "organisation",
        _("An organisation's number: records it (or a unit within it) recovered, holds, issued or published on."),
    ),
    OpenApiParameter(
        "photos",
        OpenApiTypes.STR,
        enum=["yes", "no"],
        description=_("Only records with (yes) or without (no) an image you may see."),
    ),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        enum=[key for key, _label in SORT_CHOICES],
        description=_(
            "Order of the results, as on the catalog page. Default: relevance with a search (q), "
            "accession number without one."
        ),
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary=_("Search and filter the catalog"),
        description=_(
            "The catalog page's results as JSON, with the same parameters: every parameter of "
            "the page's URL works here too. The count includes only records you may see."
        ),
        parameters=LIST_PARAMETERS,
    ),
    retrieve=extend_schema(
        summary=_("One artifact record in full"),
        description=_(
            "Photos, texts, phrases, relations, personal data and the custody record, each "
            "limited to what you may see. A record you may not see answers 404, like one that does not exist."
        ),
        parameters=[
            OpenApiParameter(
                "accession_number",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description=_("The record's accession number, e.g. BFA-2026-0001."),
            )
        ],
    ),
)
class ArtifactViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "accession_number"
    lookup_value_regex = r"[^/]+"
    filter_backends = [DjangoFilterBackend]
    filterset_class = ArtifactFilter
    pagination_class = CatalogPagination

    def get_serializer_class(self):
        return ArtifactDetailSerializer if self.action == "retrieve" else ArtifactSummarySerializer

    def get_queryset(self):
        user = self.request.user
        queryset = Artifact.objects.visible_to(user).with_photo_flags(user)
        queryset = queryset.prefetch_related(*authority_prefetch("place"), *authority_prefetch("recovered_by"))
        if self.action == "retrieve":
            queryset = queryset.select_related("military_id", "object_details").prefetch_related(
                "languages",
                "texts",
                "phrases",
                "serial_numbers",
                *authority_prefetch("custodian"),
                *authority_prefetch("military_id__issuer"),
            )
        return queryset

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset  # a record is found by its accession number alone
        queryset = super().filter_queryset(queryset)
        sort = self.request.query_params.get("sort", "")
        if sort and sort not in SORTS:
            choices = ", ".join(key for key, _label in SORT_CHOICES)
            raise ValidationError({"sort": [f"“{sort[:40]}” is not a way to sort; use one of {choices}."]})
        _sort, ordering = order_for(sort, (self.request.query_params.get("q") or "").strip())
        return queryset.order_by(*ordering)

    def get_object(self):
        if "\x00" in self.kwargs.get(self.lookup_field, ""):
            # No accession number holds a NUL, and PostgreSQL refuses one in a query parameter.
            raise Http404("No artifact with that accession number is available.")
        artifact = super().get_object()
        user, request = self.request.user, self.request
        photos = list(Photo.objects.visible_to(user).filter(artifact=artifact).defer("exif").order_by("position", "pk"))
        for photo in photos:
            photo.artifact = artifact
        attach_annotations(photos, user)
        artifact.visible_photos = photos
        artifact.visible_relations = visible_relations(artifact, user)
        artifact.personal_data_items = personal_data_items(artifact, user)
        artifact.source_citations = list(
            SourceCitation.objects.filter(artifact=artifact)
            .select_related("source")
            .prefetch_related(*authority_prefetch("source__publisher_organisation"))
        )
        artifact.custody_record = custody_document(artifact, photos, request=request)
        artifact.military_id_or_none = getattr(artifact, "military_id", None)
        artifact.object_details_or_none = getattr(artifact, "object_details", None)
        cite = citations.for_artifact(artifact, request)
        artifact.citations = {
            "chicago_note": cite.chicago_note,
            "chicago_bibliography": cite.chicago_bibliography,
            "bibtex": cite.bibtex,
            "csl_json_url": request.build_absolute_uri(reverse("citation-csl", args=[artifact.accession_number])),
        }
        return artifact

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if viewer_level(request.user) > AccessLevel.PUBLIC:
            # Restricted records must not linger in shared caches or on a shared computer.
            patch_cache_control(response, private=True, no_store=True)
        patch_vary_headers(response, ["Cookie", "Authorization"])
        return response
