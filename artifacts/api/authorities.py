"""Authorities (places, organisations) as the API, the downloads and the metadata formats
give them: the archive's number and page, the English name, every name with its
language, and the external identifiers as URIs, so that records join other datasets."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


class NameSerializer(serializers.Serializer):
    language = serializers.CharField(help_text=_("BCP 47 tag of the name's language."))
    name = serializers.CharField()
    preferred = serializers.BooleanField(help_text=_("The name pages show in that language; others are variants."))


class IdentifierSerializer(serializers.Serializer):
    scheme = serializers.CharField(help_text=_("Wikidata or GeoNames."))
    id = serializers.CharField()
    uri = serializers.URLField(help_text=_("The identifier as a URI, for linked data."))


@extend_schema_serializer(description=_("A place or organisation named by a record, with its external identifiers."))
class AuthoritySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text=_("The archive's number for it."))
    url = serializers.SerializerMethodField(help_text=_("Its page, listing the records linked to it."))
    name = serializers.SerializerMethodField(help_text=_("Its English name (else its first preferred name)."))
    names = NameSerializer(source="names.all", many=True)
    identifiers = serializers.SerializerMethodField()
    part_of = serializers.SerializerMethodField(
        help_text=_("What it lies in or belongs to, nearest first (a region's country), each with its identifiers.")
    )

    def get_url(self, authority) -> str:
        request = self.context.get("request")
        path = authority.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def get_name(self, authority) -> str:
        return authority.label("en")

    def get_identifiers(self, authority) -> list[dict]:
        return [{"scheme": scheme, "id": value, "uri": uri} for scheme, value, uri in authority.identifiers()]

    def get_part_of(self, authority) -> list[dict]:
        return [
            {
                "id": ancestor.pk,
                "url": self.get_url(ancestor),
                "name": ancestor.label("en"),
                "identifiers": self.get_identifiers(ancestor),
            }
            for ancestor in authority.ancestors()
        ]
