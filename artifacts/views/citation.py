"""The CSL-JSON citation of one artifact, for reference managers (Zotero, Mendeley…)."""

import json

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from artifacts import citations
from artifacts.models import Artifact


@require_safe
def csl_json(request, accession):
    try:
        if "\x00" in accession:  # PostgreSQL refuses a NUL in a query parameter
            raise Artifact.DoesNotExist
        artifact = Artifact.objects.visible_to(request.user).get(accession_number=accession)
    except Artifact.DoesNotExist:
        raise Http404("No artifact with that accession number is available.") from None
    url = request.build_absolute_uri(artifact.get_absolute_url())
    item = citations.csl_item(artifact, url, timezone.localdate(), texts=artifact.texts.all())
    # CSL-JSON is always a list of items, even for one.
    response = HttpResponse(
        json.dumps([item], ensure_ascii=False, indent=2),
        content_type=f"{citations.CSL_CONTENT_TYPE}; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{artifact.accession_number}.csl.json"'
    return response
