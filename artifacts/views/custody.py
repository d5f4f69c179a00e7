"""The custody record of one artifact as JSON, for researchers to verify themselves."""

import json

from django.http import Http404, HttpResponse

from artifacts import fixity
from artifacts.models import Artifact, Photo


def custody_record(request, accession):
    if "\x00" in accession:
        # No accession number holds a NUL, and PostgreSQL refuses one in a query parameter.
        raise Http404("No such artifact.")
    try:
        artifact = Artifact.objects.visible_to(request.user).get(accession_number=accession)
    except Artifact.DoesNotExist:
        raise Http404("No such artifact.") from None
    photos = Photo.objects.visible_to(request.user).filter(artifact=artifact).order_by("position", "pk")
    document = fixity.custody_document(artifact, photos)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{artifact.accession_number}-custody.json"'
    return response
