"""The edit history of a record, summarised for its public page.

django-simple-history keeps a row per change of the artifact and of each child model;
the page shows how many revisions exist and when the record last changed, counting
the children too, since an edited translation is an edit of the record.
"""

from artifacts.access import viewer_level
from artifacts.caching import remember
from artifacts.models import Artifact, MilitaryIDDetails, ObjectDetails, Photo, Phrase, SerialNumber, Text

CHILD_MODELS = (Text, Phrase, Photo, SerialNumber, ObjectDetails, MilitaryIDDetails)


def history_summary(artifact: Artifact, user) -> dict:
    """{"revisions": n, "last_changed": datetime or None} over the artifact and the children
    this user may see (one query, cached until the data changes).

    Personal data is left out on purpose, and photos the user may not see are too: even a
    count of their edits would reveal that they exist."""
    key = f"history:{artifact.pk}:{int(viewer_level(user))}"
    return remember(key, lambda: _history_summary(artifact, user))


def _history_summary(artifact: Artifact, user) -> dict:
    # One query: the dates of every revision row, the artifact's and its children's. A
    # record has tens of revisions, so reading them costs less than an aggregate each.
    parts = [artifact.history.order_by().values_list("history_date", flat=True)]
    for model in CHILD_MODELS:
        rows = model.history.filter(artifact_id=artifact.pk)
        if model is Photo:
            visible = Photo.objects.visible_to(user).filter(artifact=artifact).values("pk")
            rows = rows.filter(id__in=visible)
        parts.append(rows.order_by().values_list("history_date", flat=True))
    dates = list(parts[0].union(*parts[1:], all=True))
    return {"revisions": len(dates), "last_changed": max(dates) if dates else artifact.updated_at}
