"""Curators' data entry. Importing this package registers every ModelAdmin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from artifacts.admin import annotations, artifact, authorities, custody, photos, reference, users  # noqa: F401  (registers the admins)

admin.site.site_header = _("Battlefield Artifacts Archive: curation")
admin.site.site_title = _("Archive curation")
admin.site.index_title = _("Records, photos and custody")
admin.site.empty_value_display = "—"
# Record pages are wide (inline tables of photos, phrases, events): give them the whole width.
admin.site.enable_nav_sidebar = False
