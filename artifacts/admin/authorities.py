"""Places, organisations and people: their names per language, identifiers, and merging.

Merging is an action on the list: tick two records of one kind, choose which stays, and
confirm. Every link moves to the one that stays, the other's names become its variants,
and the merged record stays behind, marked, so that its address redirects and its
history is kept (artifacts.authorities.services.merge).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from artifacts.admin.common import HistoryAdmin, SafeAutocomplete
from artifacts.authorities import services
from artifacts.authorities.events import EventLink
from artifacts.authorities.models import (
    Organisation,
    OrganisationName,
    Person,
    PersonName,
    Place,
    PlaceName,
)


class NameInline(SafeAutocomplete, admin.TabularInline):
    extra = 1
    fields = ["language", "name", "preferred"]


class PlaceNameInline(NameInline):
    model = PlaceName


class OrganisationNameInline(NameInline):
    model = OrganisationName
    fields = ["language", "name", "preferred", "in_use_from", "in_use_until"]


class PersonNameInline(NameInline):
    model = PersonName


class EventLinkInline(SafeAutocomplete, admin.TabularInline):
    """Custody events whose place or party names this record. The events themselves are
    append-only and keep their wording; these links sit beside them."""

    model = EventLink
    extra = 0
    fields = ["event", "role"]
    autocomplete_fields = ["event"]
    verbose_name = _("custody event naming it")
    verbose_name_plural = _("custody events naming it")


class PlaceEventInline(EventLinkInline):
    fk_name = "place"


class OrganisationEventInline(EventLinkInline):
    fk_name = "organisation"


class PersonEventInline(EventLinkInline):
    fk_name = "person"


# Curators only (the delete permission): a merge retires a record for good.
@admin.action(description=_("Merge the two selected records"), permissions=["delete"])
def merge_selected(modeladmin, request, queryset):
    """Two ticked records → a page asking which one stays → the merge, on confirmation."""
    chosen = list(queryset.prefetch_related("names").order_by("pk"))
    if len(chosen) != 2:
        modeladmin.message_user(request, gettext("Tick exactly two records to merge them."), messages.WARNING)
        return None
    if any(record.merged_into_id for record in chosen):
        modeladmin.message_user(
            request, gettext("A record that has already been merged cannot be merged again."), messages.WARNING
        )
        return None
    keep = request.POST.get("keep")
    if request.POST.get("confirm") == "yes" and keep in {str(record.pk) for record in chosen}:
        survivor = next(record for record in chosen if str(record.pk) == keep)
        merged = next(record for record in chosen if str(record.pk) != keep)
        try:
            services.merge(survivor=survivor, merged=merged, user=request.user)
        except ValidationError as error:
            modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
            return None
        modeladmin.message_user(
            request,
            gettext("“%(merged)s” was merged into “%(kept)s”; its address now leads there.")
            % {"merged": merged.label(), "kept": survivor.label()},
            messages.SUCCESS,
        )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Merge two records"),
        "opts": modeladmin.model._meta,
        "records": [(record, services.artifacts_of(record, _artifacts()).count()) for record in chosen],
        "action_name": "merge_selected",
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "media": modeladmin.media,
    }
    return TemplateResponse(request, "admin/artifacts/merge_authorities.html", context)


def _artifacts():
    from artifacts.models import Artifact

    return Artifact.objects.all()


class AuthorityAdmin(HistoryAdmin):
    list_display = ["label_column", "identifiers_column", "merged_into"]
    search_fields = ["names__name", "wikidata"]
    search_help_text = _("Any of its names, in any language, or its Wikidata item.")
    actions = [merge_selected]
    readonly_fields = ["merged_into", "created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(Prefetch("names"), "merged_into__names")

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            # What a record may point at: never one merged away.
            queryset = queryset.filter(merged_into__isnull=True)
        return queryset.distinct(), False

    @admin.display(description=_("name"))
    def label_column(self, obj):
        return obj.label()

    @admin.display(description=_("identifiers"))
    def identifiers_column(self, obj):
        return ", ".join(f"{scheme} {value}" for scheme, value, _uri in obj.identifiers()) or "—"


@admin.register(Place)
class PlaceAdmin(AuthorityAdmin):
    list_display = ["label_column", "level", "parent", "identifiers_column", "merged_into"]
    list_filter = ["level"]
    search_fields = ["names__name", "wikidata", "=geonames"]
    autocomplete_fields = ["parent"]
    inlines = [PlaceNameInline, PlaceEventInline]
    fieldsets = [
        (None, {"fields": ["level", "parent"]}),
        (_("Location"), {"fields": [("latitude", "longitude"), "public_precision"]}),
        (_("Identifiers"), {"fields": ["wikidata", "geonames"]}),
        (None, {"fields": ["note", "merged_into", ("created_at", "updated_at")]}),
    ]


@admin.register(Organisation)
class OrganisationAdmin(AuthorityAdmin):
    list_display = ["label_column", "kind", "parent", "identifiers_column", "merged_into"]
    list_filter = ["kind"]
    autocomplete_fields = ["parent"]
    inlines = [OrganisationNameInline, OrganisationEventInline]
    fieldsets = [
        (None, {"fields": ["kind", "parent"]}),
        (_("Identifiers"), {"fields": ["wikidata"]}),
        (None, {"fields": ["note", "merged_into", ("created_at", "updated_at")]}),
    ]


@admin.register(Person)
class PersonAdmin(AuthorityAdmin):
    list_display = ["label_column", "access_level", "identifiers_column", "merged_into"]
    list_filter = ["access_level"]
    inlines = [PersonNameInline, PersonEventInline]
    fieldsets = [
        (None, {"fields": ["access_level"]}),
        (_("Identifiers"), {"fields": ["wikidata"]}),
        (None, {"fields": ["note", "merged_into", ("created_at", "updated_at")]}),
    ]
