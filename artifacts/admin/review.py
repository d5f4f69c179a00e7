"""The review step in the admin: the status badge, the publication buttons on a record's
page, the list actions and the review queue. Every move goes through artifacts.publication,
whose refusals are shown as error messages."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from artifacts import publication
from artifacts.choices import PublicationStatus

STYLESHEET = "css/admin-review.css"


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal (shown to the public)"),
        max_length=publication.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_(
            "Shown at the record's address with the date, e.g. “It exposed a living person.” "
            "Give no detail that should stay private."
        ),
    )


def _badge(status: str) -> str:
    label = PublicationStatus(status).label
    return format_html('<span class="publication-badge publication-{}">{}</span>', status, label)


def status_badge_html(artifact) -> str:
    return _badge(artifact.status)


def _run(request, name: str, artifacts, reason: str = "") -> None:
    """Make the move on each record and say, per record, what happened."""
    done = []
    for artifact in artifacts:
        try:
            publication.perform(name, artifact=artifact, user=request.user, reason=reason)
        except ValidationError as refused:
            messages.error(
                request,
                gettext("%(record)s: %(refusal)s")
                % {"record": artifact.accession_number, "refusal": " ".join(refused.messages)},
            )
        else:
            done.append(artifact.accession_number)
    if done:
        messages.success(request, publication.done_message(name, done))


def _action(name: str, description: str):
    def action(modeladmin, request, queryset):
        _run(request, name, list(queryset.order_by("pk")))

    action.__name__ = f"publication_{name}"
    return admin.action(description=description)(action)


mark_ready_action = _action("ready", _("Mark selected artifacts ready for review"))
publish_action = _action("publish", _("Publish selected artifacts (needs a second curator)"))
return_to_draft_action = _action("draft", _("Return selected artifacts to draft"))


class PublicationAdminMixin:
    """ModelAdmin mixin for Artifact: the status is shown everywhere and changed only by the
    review moves (publication buttons on the record's page, list actions, review queue)."""

    change_form_template = "admin/artifacts/review/change_form.html"

    @property
    def media(self):
        return super().media + forms.Media(css={"all": [STYLESHEET]})

    @admin.display(description=_("publication status"), ordering="status")
    def status_badge(self, artifact):
        return status_badge_html(artifact)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if "status" in fields else [*fields, "status"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        user = request.user
        chosen = [mark_ready_action, return_to_draft_action] if user.has_perm(publication.EDIT_PERMISSION) else []
        if publication.may_publish(user):
            chosen.append(publish_action)
        for action in chosen:
            func, name, description = self.get_action(action)
            actions[name] = (func, name, description)
        return actions

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("review/", wrap(self.review_queue_view), name="artifacts_artifact_review"),
            path(
                "<path:object_id>/publication/<slug:move>/",
                wrap(self.publication_view),
                name="artifacts_artifact_publication",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            editor = publication.last_editor(obj)
            context["publication"] = {
                "badge": status_badge_html(obj),
                "moves": publication.moves_for(obj, request.user, editor=editor),
                "events": list(publication.events(obj)),
                "last_editor": editor,
            }
        else:
            # A new record: it will be saved as a draft.
            context["draft_badge"] = _badge(PublicationStatus.DRAFT)
        context["review_waiting"] = publication.review_queue().count()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        # The list links to the queue, with what waits in it, beside "Add artifact".
        extra_context = {**(extra_context or {}), "review_waiting": publication.review_queue().count()}
        return super().changelist_view(request, extra_context)

    def publication_view(self, request, object_id, move):
        """A move on one record: POST makes it; GET (and a withdrawal without its reason)
        shows the confirmation form."""
        if move not in publication.MOVES:
            raise Http404("No such publication step.")
        artifact = self.get_object(request, unquote(object_id))
        if artifact is None:
            raise Http404("No artifact with that id.")
        if not self.has_view_or_change_permission(request, artifact):
            raise PermissionDenied
        change_url = reverse("admin:artifacts_artifact_change", args=[artifact.pk])
        form = WithdrawForm(request.POST or None) if move == "withdraw" else None
        if request.method == "POST" and (form is None or form.is_valid()):
            reason = form.cleaned_data["reason"] if form else ""
            _run(request, move, [artifact], reason)
            back_to_queue = request.POST.get("next") == "review"
            return HttpResponseRedirect(reverse("admin:artifacts_artifact_review") if back_to_queue else change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("%(step)s: %(record)s")
            % {"step": publication.MOVES[move].label.rstrip("…"), "record": artifact.accession_number},
            "artifact": artifact,
            "badge": status_badge_html(artifact),
            "move": publication.MOVES[move],
            "refusal": publication.refusal(artifact, request.user, move),
            "form": form,
            "change_url": change_url,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/artifacts/review/confirm.html", context)

    def review_queue_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        rows = []
        for artifact in publication.review_queue():
            marked = artifact.publication_events.filter(to_status=PublicationStatus.READY).order_by("-at", "-pk")
            editor = publication.last_editor(artifact)
            rows.append(
                {
                    "artifact": artifact,
                    "marked": marked.select_related("actor").first(),
                    "last_editor": editor,
                    "refusal": publication.refusal(artifact, request.user, "publish", editor=editor),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Review queue: records waiting to be published"),
            "rows": rows,
            "may_publish": publication.may_publish(request.user),
            "second_person": getattr(settings, "ARCHIVE_PUBLISH_NEEDS_SECOND_PERSON", True),
            "media": self.media,
        }
        return TemplateResponse(request, "admin/artifacts/review/queue.html", context)
