from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path, register_converter

from artifacts import i18n, iiif
from artifacts.custody import views as custody
from artifacts.oai import views as oai
from artifacts.similarity import views as similarity
from artifacts.sitemaps import SITEMAPS
from artifacts.views import authorities, citation, media, pages, record


class AccessionConverter:
    """An accession number in a URL: any characters but "/" and NUL (no accession number
    holds a NUL, and PostgreSQL refuses one in a query parameter), so such a URL is a
    plain 404 before any view runs."""

    regex = "[^/\x00]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(AccessionConverter, "accession")

# Pages people read, in each interface language: /…, /uk/…, /ko/… (artifacts/i18n.py).
urlpatterns = i18n_patterns(
    path("", pages.home, name="home"),
    path("artifacts/", pages.catalog, name="catalog"),
    path("artifacts/<accession:accession>/", record.artifact_detail, name="artifact-detail"),
    path("artifacts/<accession:accession>/same-object/", similarity.same_object, name="same-object"),
    path("search/image/", similarity.search_by_picture, name="search-by-picture"),
    path("places/<int:pk>/", authorities.place_detail, name="place-detail"),
    path("organisations/<int:pk>/", authorities.organisation_detail, name="organisation-detail"),
    path("transparency/", custody.page, name="transparency"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

# What programs read, and files: one address each, always in English.
urlpatterns += [
    path("language/", i18n.choose_language, name="set-language"),
    re_path(r"^artifacts\.(?P<download>csv|json)$", pages.catalog, name="catalog-download"),
    path("artifacts/<accession:accession>/custody.json", custody.custody_record, name="custody-record"),
    path("transparency/heads/latest.json", custody.latest_head, name="transparency-latest"),
    path("transparency/heads.json", custody.head_list, name="transparency-heads"),
    path("transparency/heads/<int:number>.json", custody.head_detail, name="transparency-head"),
    path("transparency/proof/inclusion.json", custody.inclusion, name="transparency-inclusion"),
    path("transparency/proof/consistency.json", custody.consistency, name="transparency-consistency"),
    path("transparency/leaves/<int:index>.json", custody.leaf_hash, name="transparency-leaf"),
    path("transparency/keys.json", custody.keys, name="transparency-keys"),
    path("transparency/bfa-verify.pyz", custody.checker, name="transparency-checker"),
    path("artifacts/<accession:accession>/citation.json", citation.csl_json, name="citation-csl"),
    path("iiif/<accession:accession>/manifest.json", iiif.manifest_view, name="iiif-manifest"),
    path("oai/", oai.endpoint, name="oai-pmh"),
    path("preferences/graphic-content/", pages.graphic_preference, name="graphic-preference"),
    path("media/photos/<int:pk>/<str:kind>/", media.photo_file, name="photo-file"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", pages.robots_txt, name="robots-txt"),
    path("api/", include("artifacts.api.urls")),
]

handler400 = "artifacts.views.pages.bad_request"
handler403 = "artifacts.views.pages.permission_denied"
handler404 = "artifacts.views.pages.not_found"
handler500 = "artifacts.views.pages.server_error"
