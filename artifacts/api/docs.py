"""The API's documentation page, rendered on the server from the OpenAPI schema itself.

Why not Swagger UI or Redoc: both are JavaScript applications that would have to be
vendored (several megabytes) and both inject inline styles, which the site's
Content-Security-Policy forbids. A page built from the same schema the API serves cannot
drift from it, reads without JavaScript, prints, and looks like the rest of the archive.
"""

import functools
from dataclasses import dataclass, field

from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from artifacts import exports
from artifacts.models import Artifact


@dataclass
class Parameter:
    name: str
    kind: str
    description: str
    values: list[str]


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    response: str  # name of the schema component it answers with


@dataclass
class Field:
    name: str
    kind: str
    ref: str  # the component it refers to, for a link; empty for plain values
    description: str


@dataclass
class Component:
    name: str
    description: str
    fields: list[Field] = field(default_factory=list)


def openapi_schema() -> dict:
    """The schema the API serves at /api/schema/, with its descriptions in the active
    language; it does not depend on who asks."""
    return _schema_in(translation.get_language())


@functools.cache
def _schema_in(language: str | None) -> dict:
    # Descriptions are read as the schema is generated: one schema per language.
    with translation.override(language):
        return SchemaGenerator().get_schema(request=None, public=True)


class _Reader:
    """Turns schema fragments into short phrases: “list of Photo”, “one of: a, b”."""

    def __init__(self, schema: dict):
        self.components = schema.get("components", {}).get("schemas", {})

    def ref(self, fragment: dict) -> str:
        """The component a fragment refers to (directly, as a list, or nullable)."""
        if "$ref" in fragment:
            name = fragment["$ref"].rsplit("/", 1)[-1]
            return name if "properties" in self.components.get(name, {}) else ""
        for key in ("allOf", "oneOf"):
            for part in fragment.get(key, []):
                if self.ref(part):
                    return self.ref(part)
        return self.ref(fragment["items"]) if "items" in fragment else ""

    def kind(self, fragment: dict) -> str:
        if "$ref" in fragment:
            name = fragment["$ref"].rsplit("/", 1)[-1]
            target = self.components.get(name, {})
            if "enum" in target:
                return _one_of(target["enum"])
            return name
        for key, joiner in (("allOf", _both), ("oneOf", _either)):
            if key in fragment:
                kinds = [self.kind(part) for part in fragment[key] if part.get("enum") != [None]]
                kinds = [k for k in kinds if k]
                return functools.reduce(joiner, kinds) if kinds else pgettext("kind of API value", "value")
        # OpenAPI's own type names (string, integer, object…) are kept as the schema spells them.
        kind = fragment.get("type", "object")
        if kind == "array":
            kind = _("list of %(kind)s") % {"kind": self.kind(fragment.get("items", {}))}
        elif "enum" in fragment:
            kind = _one_of(fragment["enum"])
        elif fragment.get("format"):
            kind = f"{kind} ({fragment['format']})"
        if fragment.get("nullable"):
            kind = _("%(kind)s, or null") % {"kind": kind}
        return kind


def _one_of(values) -> str:
    return _("one of: %(values)s") % {"values": ", ".join(str(v) for v in values if v not in ("", None))}


def _both(first: str, second: str) -> str:
    return _("%(first)s and %(second)s") % {"first": first, "second": second}


def _either(first: str, second: str) -> str:
    return _("%(first)s or %(second)s") % {"first": first, "second": second}


def operations(schema: dict) -> list[Operation]:
    reader = _Reader(schema)
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            parameters = []
            for raw in operation.get("parameters", []):
                fragment = raw.get("schema", {})
                values = fragment.get("enum") or fragment.get("items", {}).get("enum") or []
                text = pgettext("kind of API parameter", "text")
                kind = text if fragment.get("type") == "string" else fragment.get("type", text)
                if fragment.get("type") == "array":
                    kind = pgettext("kind of API parameter", "text, repeatable")
                if raw.get("in") == "path":
                    kind = _("%(kind)s, in the path") % {"kind": kind}
                description = raw.get("description", "")
                if values and all(f"{value} (" in description for value in values):
                    values = []  # already listed, with their meanings: “code (label), …”
                parameters.append(Parameter(raw["name"], kind, description, [str(v) for v in values]))
            content = operation.get("responses", {}).get("200", {}).get("content", {})
            response = next((reader.kind(media.get("schema", {})) for media in content.values()), "")
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    parameters=parameters,
                    response=response,
                )
            )
    return found


def components(schema: dict) -> list[Component]:
    reader = _Reader(schema)
    found = []
    for name, component in reader.components.items():
        if "properties" not in component:
            continue
        fields = [
            Field(prop, reader.kind(spec), reader.ref(spec), spec.get("description", ""))
            for prop, spec in component["properties"].items()
        ]
        found.append(Component(name, component.get("description", ""), fields))
    return found


def api_docs(request):
    schema = openapi_schema()
    example = (
        Artifact.objects.visible_to(request.user)
        .order_by("accession_number")
        .values_list("accession_number", flat=True)
    ).first()
    context = {
        "base": request.build_absolute_uri("/").rstrip("/"),
        "example_accession": example or "BFA-2026-0001",
        "info": schema.get("info", {}),
        "operations": operations(schema),
        "components": components(schema),
        "columns": exports.COLUMNS,
        "schema_url": reverse("api:schema"),
    }
    return render(request, "artifacts/api_docs.html", context)


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request):
    """Where everything is, for a script that starts here."""

    def absolute(name):
        return request.build_absolute_uri(reverse(name))

    return Response(
        {
            "artifacts": absolute("api:artifact-list"),
            "similar_photos": absolute("api:photos-similar"),
            "schema": absolute("api:schema"),
            "documentation": absolute("api:docs"),
            "catalog_csv": absolute("catalog") + "?format=csv",
            "catalog_json": absolute("catalog") + "?format=json",
        }
    )
