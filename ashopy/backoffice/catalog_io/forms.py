"""The upload form of the catalogue import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ashopy.backoffice.widgets import StaffFormMixin

from .files import MAX_BYTES, too_large_message
from .resources import RESOURCES


class ImportForm(StaffFormMixin, forms.Form):
    dataset = forms.ChoiceField(label=_("What the file holds"),
                                choices=[(kind, resource.title) for kind, resource in RESOURCES.items()],
                                widget=forms.Select(attrs={"class": "form-select"}))
    # The browser's own file button speaks the browser's language ("Choose File"): the page hides it
    # (still focusable) behind a label styled as a button, « Importer un fichier » (staff.css, staff.js).
    file = forms.FileField(label=_("File (CSV or XLSX)"), widget=forms.ClearableFileInput(
        attrs={"accept": ".csv,.xlsx,text/csv", "class": "staff-file-input"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload
