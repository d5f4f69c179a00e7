"""The edit history of a record, summarised for its public page.

django-simple-history keeps a row per change of the artifact and of each child model;
the page shows how many revisions exist and when the record last changed, counting
the children too, since an edited translation is an edit of the record.
"""

from django.db.models import Count, Max

from artifacts.access import viewer_level
from artifacts.caching import remember
from artifacts.models import Artifact, MilitaryIDDetails, ObjectDetails, Photo, Phrase, SerialNumber, Text

CHILD_MODELS = (Text, Phrase, Photo, SerialNumber, ObjectDetails, MilitaryIDDetails)


def history_summary(artifact: Artifact, user) -> dict:
    """{"revisions": n, "last_changed": datetime or None} over the artifact and the children
    this user may see (seven queries, cached until the data changes).

    Personal data is left out on purpose, and photos the user may not see are too: even a
    count of their edits would reveal that they exist."""
    key = f"history:{artifact.pk}:{int(viewer_level(user))}"
    return remember(key, lambda: _history_summary(artifact, user))


def _history_summary(artifact: Artifact, user) -> dict:
    totals = [artifact.history.aggregate(n=Count("pk"), last=Max("history_date"))]
    for model in CHILD_MODELS:
        rows = model.history.filter(artifact_id=artifact.pk)
        if model is Photo:
            visible = Photo.objects.visible_to(user).filter(artifact=artifact).values("pk")
            rows = rows.filter(id__in=visible)
        totals.append(rows.aggregate(n=Count("pk"), last=Max("history_date")))
    dates = [t["last"] for t in totals if t["last"]]
    return {"revisions": sum(t["n"] for t in totals), "last_changed": max(dates) if dates else artifact.updated_at}
