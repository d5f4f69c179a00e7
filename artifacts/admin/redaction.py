"""The photo admin's "Redact…" page: boxes drawn on the display image (or typed as
numbers), face boxes suggested on request, and a redacted copy made by the server.

Only for accounts that may change the photo and take originals: the copy is rendered
from the original file. Every button works without JavaScript: "Show on the image"
draws the typed boxes, "Suggest faces" adds the faces OpenCV finds to the boxes for the
curator to confirm, "Make redacted copy" renders and stores it (redaction.services).
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import CharField, Form, Textarea
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from artifacts.access import takes_originals
from artifacts.redaction import services
from artifacts.redaction.faces import suggest_faces
from artifacts.regions import region_formset


class RedactionForm(Form):
    caption = CharField(
        label=_("Caption of the copy"),
        max_length=500,
        help_text=_("What the public sees under the redacted copy."),
        widget=Textarea(attrs={"rows": 2, "cols": 60}),
    )


def _faces_on_display(photo) -> list:
    """Faces found on the display image, which is what the curator draws on."""
    try:
        with photo.display.open("rb") as handle, Image.open(handle) as image:
            image.load()
            return suggest_faces(image)
    except (OSError, UnidentifiedImageError):
        return []


class RedactionMixin:
    """Adds /admin/artifacts/photo/<id>/redact/ and the "Redact…" link on the photo's page."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.redact_view)
        return [path("<path:object_id>/redact/", view, name="artifacts_photo_redact"), *super().get_urls()]

    def may_redact(self, request, photo=None) -> bool:
        return self.has_change_permission(request, photo) and takes_originals(request.user)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["may_redact"] = obj is not None and obj.pk is not None and self.may_redact(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def redact_view(self, request, object_id):
        photo = self.get_object(request, unquote(object_id))
        if photo is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.may_redact(request, photo):
            raise PermissionDenied
        refusal = services.refusal(photo)
        regions = region_formset(data=request.POST if request.method == "POST" else None)
        form = RedactionForm(
            request.POST if request.method == "POST" else None,
            initial={"caption": services.default_caption(photo)},
        )
        if request.method == "POST" and not regions.management_form.is_valid():
            # Only a page that was altered (or cut short) posts no box count: start again.
            messages.error(
                request, gettext("The form came back incomplete, so nothing was saved. Draw the boxes again.")
            )
            regions = region_formset()
        elif request.method == "POST" and refusal is None:
            if "suggest" in request.POST:
                regions = self._with_faces(request, photo, regions)
            elif "redact" in request.POST:
                response = self._redact(request, photo, regions, form)
                if response is not None:
                    return response
            else:  # "Show on the image": the bound formset draws and checks what was typed
                regions.is_valid()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Redact: %(caption)s") % {"caption": photo.caption},
            "opts": self.opts,
            "original": photo,
            "photo": photo,
            "refusal": refusal,
            "existing_copy": photo.redacted_version if _has_copy(photo) else None,
            "regions": regions,
            "form": form,
            "change_url": reverse("admin:artifacts_photo_change", args=[photo.pk]),
            "display_url": photo.get_media_url("display"),
        }
        return TemplateResponse(request, "admin/artifacts/photo/redact.html", context)

    def _with_faces(self, request, photo, regions):
        kept = [form.as_fractions() for form in regions._live_forms() if form.is_valid()]
        faces = _faces_on_display(photo)
        if faces:
            messages.info(
                request,
                ngettext(
                    "%(count)s face found and added as a box. Check it on the image: move, resize or remove it, "
                    "and add any face or name the detector missed.",
                    "%(count)s faces found and added as boxes. Check each on the image: move, resize or remove "
                    "them, and add any face or name the detector missed.",
                    len(faces),
                )
                % {"count": len(faces)},
            )
        else:
            messages.warning(
                request,
                gettext(
                    "No face found. The detector sees only faces turned towards the camera: draw the boxes yourself."
                ),
            )
        return region_formset(boxes=(kept + faces)[: regions.max_num])

    def _redact(self, request, photo, regions, form):
        regions_ok, form_ok = regions.is_valid(), form.is_valid()
        if not (regions_ok and form_ok):
            return None
        try:
            copy = services.redact_photo(
                photo=photo, boxes=regions.regions(), redacted_by=request.user, caption=form.cleaned_data["caption"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return None
        messages.success(
            request,
            gettext(
                "Redacted copy made and recorded in the chain of custody (SHA-256 %(sha256)s). "
                "The public now sees this copy instead of the original."
            )
            % {"sha256": copy.sha256},
        )
        return redirect(reverse("admin:artifacts_photo_change", args=[copy.pk]))


def _has_copy(photo) -> bool:
    try:
        return photo.redacted_version is not None
    except type(photo).redacted_version.RelatedObjectDoesNotExist:
        return False
