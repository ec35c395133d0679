"""The upload form of the catalogue import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .files import MAX_BYTES, too_large_message
from .resources import RESOURCES


class ImportForm(forms.Form):
    dataset = forms.ChoiceField(label=_("What the file holds"),
                                choices=[(kind, resource.title) for kind, resource in RESOURCES.items()])
    file = forms.FileField(label=_("File (CSV or XLSX)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload
