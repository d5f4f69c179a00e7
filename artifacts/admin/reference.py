"""Sources and languages: small reference tables that artifacts point at."""

from django.contrib import admin
from django.db.models import F, Max
from django.utils.translation import gettext_lazy as _

from artifacts.admin.common import HistoryAdmin
from artifacts.models import Language, Source


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ["title", "publisher", "published_on", "author", "url"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "author", "url", "dateline"]
    search_help_text = _("Title, publisher, author, dateline or URL.")
    date_hierarchy = "published_on"
    autocomplete_fields = ["publisher_organisation"]

    fieldsets = [
        (None, {"fields": ["title", ("publisher", "publisher_organisation"), "author", "published_on", "dateline"]}),
        (_("Where to find it"), {"fields": ["url", "archived_url"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            # Choosing a record's source: the publications cited most recently come first,
            # so that entering one more object from the same report is one click.
            latest = Max("sourcecitation__pk")
            queryset = queryset.annotate(latest_citation=latest).order_by(
                F("latest_citation").desc(nulls_last=True), "-pk"
            )
        return queryset, duplicates


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    ordering = ["name"]
