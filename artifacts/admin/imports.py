"""The admin's bulk import page: a CSV or JSON file, optionally a ZIP of the photos it
names, checked (and, unless it is a dry run, imported) exactly as
`manage.py import_artifacts` does. Every problem found is listed by row and column."""

import zipfile

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from artifacts.importing import run_import
from artifacts.importing.columns import COLUMNS, NESTED_KEYS

ACCEPTED_DATA = (".csv", ".json")


class ImportForm(forms.Form):
    data_file = forms.FileField(
        label=_("CSV or JSON file"),
        help_text=_("UTF-8. One artifact per row (CSV) or per object (JSON); see the column reference below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json,text/csv,application/json"}),
    )
    photos = forms.FileField(
        label=_("Photos (ZIP, optional)"),
        required=False,
        help_text=_("A ZIP holding the image files the rows name in their photos column."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and report, write nothing"),
        required=False,
        initial=True,
    )

    def clean_data_file(self):
        uploaded = self.cleaned_data["data_file"]
        if not uploaded.name.lower().endswith(ACCEPTED_DATA):
            raise forms.ValidationError(gettext("Choose a .csv or a .json file."))
        return uploaded

    def clean_photos(self):
        uploaded = self.cleaned_data.get("photos")
        if uploaded and not zipfile.is_zipfile(uploaded):
            raise forms.ValidationError(gettext("The photos file is not a ZIP archive."))
        if uploaded:
            uploaded.seek(0)
        return uploaded


class ImportMixin:
    """Adds /admin/artifacts/artifact/import/ to the artifact admin, for accounts that may
    add artifacts. Updating existing records and adding photos need their own permissions,
    which the import checks row by row."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="artifacts_artifact_import"), *super().get_urls()]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data["data_file"]
                dry_run = form.cleaned_data["dry_run"]
                report = run_import(
                    data,
                    name=data.name,
                    photos=form.cleaned_data["photos"],
                    dry_run=dry_run,
                    user=request.user,
                    check_permissions=True,
                )
                if report.ok and not dry_run:
                    messages.success(request, report.headline())
                    return redirect(reverse("admin:artifacts_artifact_changelist"))
        else:
            form = ImportForm()
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import artifacts from a file"),
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "problems": report.sorted_problems() if report else [],
            "columns": COLUMNS.values(),
            "nested_keys": NESTED_KEYS,
            # For the one sentence that names them all (a template cannot build it inside a translation).
            "nested_keys_html": format_html_join(", ", "<code>{}</code>", ((key,) for key in NESTED_KEYS)),
        }
        return TemplateResponse(request, "admin/artifacts/import.html", context)
