from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from artifacts import iiif
from artifacts.oai import views as oai
from artifacts.sitemaps import SITEMAPS
from artifacts.views import citation, custody, media, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("artifacts/", pages.catalog, name="catalog"),
    re_path(r"^artifacts\.(?P<download>csv|json)$", pages.catalog, name="catalog-download"),
    path("artifacts/<str:accession>/", pages.artifact_detail, name="artifact-detail"),
    path("artifacts/<str:accession>/custody.json", custody.custody_record, name="custody-record"),
    path("artifacts/<str:accession>/citation.json", citation.csl_json, name="citation-csl"),
    path("iiif/<str:accession>/manifest.json", iiif.manifest_view, name="iiif-manifest"),
    path("oai/", oai.endpoint, name="oai-pmh"),
    path("preferences/graphic-content/", pages.graphic_preference, name="graphic-preference"),
    path("media/photos/<int:pk>/<str:kind>/", media.photo_file, name="photo-file"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", pages.robots_txt, name="robots-txt"),
    path("api/", include("artifacts.api.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "artifacts.views.pages.bad_request"
handler403 = "artifacts.views.pages.permission_denied"
handler404 = "artifacts.views.pages.not_found"
handler500 = "artifacts.views.pages.server_error"
