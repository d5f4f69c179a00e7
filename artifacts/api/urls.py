"""Addresses of the JSON API, mounted under /api/ with the namespace "api"."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from artifacts.api import docs
from artifacts.api.similar import SimilarPhotosView
from artifacts.api.views import ArtifactViewSet

app_name = "api"

router = SimpleRouter()
router.register("artifacts", ArtifactViewSet, basename="artifact")

urlpatterns = [
    path("", docs.api_root, name="root"),
    path("docs/", docs.api_docs, name="docs"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("photos/similar/", SimilarPhotosView.as_view(), name="photos-similar"),
    *router.urls,
]
