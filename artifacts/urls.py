from django.contrib import admin
from django.urls import include, path

from artifacts.views import media, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("artifacts/", pages.catalog, name="catalog"),
    path("artifacts/<str:accession>/", pages.artifact_detail, name="artifact-detail"),
    path("media/photos/<int:pk>/<str:kind>/", media.photo_file, name="photo-file"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "artifacts.views.pages.not_found"
handler500 = "artifacts.views.pages.server_error"
