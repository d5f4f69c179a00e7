"""Read-only fields the API's serializers share: absolute addresses, EDTF dates in words,
access levels by name."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from artifacts.choices import AccessLevel
from artifacts.templatetags.archive import edtf_in_words

ACCESS_NAMES = {level.value: level.name.lower() for level in AccessLevel}


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteURLField(serializers.ReadOnlyField):
    """The absolute address of an object's page."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, value):
        path = value.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


@extend_schema_field(OpenApiTypes.STR)
class EDTFWordsField(serializers.ReadOnlyField):
    """An EDTF date in words (“December 2024 – January 2025”); empty when there is none."""

    def to_representation(self, value):
        return edtf_in_words(value or "")


@extend_schema_field({"type": "string", "enum": list(ACCESS_NAMES.values())})
class AccessNameField(serializers.ReadOnlyField):
    def to_representation(self, value):
        return ACCESS_NAMES[value]


# A component's description on the API page is given to the schema in words that can be
# translated (a docstring cannot be); the docstring says the same for readers of the code.
