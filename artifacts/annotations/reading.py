"""Reading transcribed regions for a page, a manifest or the API: always those of photos the
viewer may see (PhotoAnnotation.objects.visible_to), in reading order, in one query."""

from artifacts.annotations.models import PhotoAnnotation


def attach_annotations(photos, user) -> list[PhotoAnnotation]:
    """Give each photo `visible_annotations`: its regions this user may see, each with
    `display_xywh` (the region in pixels of the photo's display image, which is also its
    IIIF canvas) and `media_fragment` (a W3C media fragment, "xywh=…"). `photos` are
    already limited to what the user may see; the annotations' own check repeats the
    photo's, so a caller that passed the wrong list still shows nothing it should not.
    Returns every annotation attached."""
    by_photo = {photo.pk: photo for photo in photos}
    for photo in photos:
        photo.visible_annotations = []
    if not by_photo:
        return []
    annotations = list(
        PhotoAnnotation.objects.visible_to(user, artifact_checked=True)
        .filter(photo__in=list(by_photo))
        .order_by("photo", "position", "pk")
    )
    for annotation in annotations:
        photo = by_photo[annotation.photo_id]
        annotation.photo = photo  # the photo is already in memory: no query per region
        annotation.display_xywh = annotation.xywh(photo.display_width, photo.display_height)
        annotation.media_fragment = "xywh={},{},{},{}".format(*annotation.display_xywh)
        photo.visible_annotations.append(annotation)
    return annotations
