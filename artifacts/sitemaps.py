"""The sitemap: what search engines may index, which is exactly what an anonymous visitor
can see. Restricted and draft records never appear, not even as an address."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from artifacts.models import Artifact


class LanguageVersions:
    """Each address once per interface language, each entry listing the others (hreflang),
    English as x-default."""

    i18n = True
    alternates = True
    x_default = True


class ArtifactSitemap(LanguageVersions, Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return (
            Artifact.objects.visible_to(AnonymousUser())
            .only("accession_number", "updated_at")
            .order_by("accession_number")
        )

    def lastmod(self, artifact):
        return artifact.updated_at


class PageSitemap(LanguageVersions, Sitemap):
    changefreq = "daily"

    def items(self):
        return ["home", "catalog"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"pages": PageSitemap, "artifacts": ArtifactSitemap}
