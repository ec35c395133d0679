"""Back-office customer forms: a staff note (the list's filters are `accounts.forms.CustomerFilterForm`,
shared with the staff API)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ashopy.accounts.forms import BootstrapMixin
from ashopy.accounts.services import NOTE_LENGTH
from ashopy.backoffice.widgets import StaffFormMixin


class CustomerNoteForm(StaffFormMixin, BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))
