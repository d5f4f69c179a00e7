"""The artifact list's "Export as BagIt" action: the selected records as a zipped bag."""

from django.contrib import admin, messages
from django.http import FileResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from artifacts import bags
from artifacts.models import Artifact

# Larger selections are better exported with `manage.py export_bag`, which writes to disk
# instead of holding a web worker while the zip is built.
MAX_ARTIFACTS = 200


@admin.action(description=_("Export selected artifacts as BagIt (zip)"), permissions=["view"])
def export_as_bagit(modeladmin, request, queryset):
    # The same policy as everywhere: the bag holds what this account may see.
    selected = Artifact.objects.visible_to(request.user).filter(pk__in=queryset.values("pk"))
    count = selected.count()
    if count > MAX_ARTIFACTS:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)s artifact is selected; export at most %(limit)s here, "
                "or use `manage.py export_bag` on the server for larger selections.",
                "%(count)s artifacts are selected; export at most %(limit)s here, "
                "or use `manage.py export_bag` on the server for larger selections.",
                count,
            )
            % {"count": count, "limit": MAX_ARTIFACTS},
            messages.ERROR,
        )
        return None
    try:
        archive, filename, _digest = bags.zipped(
            selected.order_by("accession_number"),
            user=request.user,
            base_url=request.build_absolute_uri("/"),
            description=f"{count} artifact record(s) selected in the admin by {request.user.get_username()}.",
        )
    except bags.BagError as error:
        modeladmin.message_user(request, gettext("No bag was made: %(error)s") % {"error": error}, messages.ERROR)
        return None
    response = FileResponse(archive, as_attachment=True, filename=filename, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response
