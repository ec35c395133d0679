"""Widgets and form helpers shared by the staff pages.

- `DateInput`: an ``<input type="date">`` always given its value as ISO ``2026-12-04`` (the only format the
  browser reads; it shows the date in the person's own format, "04/12/2026" in French). Django's own
  DateInput writes the value in the active language's first input format ("04/12/2026"), which the browser
  rejects: the field then shows empty and the filter seems lost. Parsing is unchanged: Django accepts the
  ISO form in every language, and the French forms too (typed by a person without a date picker).
- `label_empty_choices`: Django's "---------" empty choice replaced by a French label: « Tous » in a
  filter (no value = no filter), « — Choisir — » in a form (no value = nothing chosen yet).
"""

import datetime

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils import formats
from django.utils.translation import pgettext_lazy

ISO_DATE = "%Y-%m-%d"
DASHES = BLANK_CHOICE_DASH[0][1]  # "---------"

ALL = pgettext_lazy("empty choice of a filter", "All")
CHOOSE = pgettext_lazy("empty choice of a form", "— Choose —")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or ISO_DATE)

    def format_value(self, value):
        # Always ISO, even when localisation is on (Django would use the language's format then); a date
        # typed as "04/12/2026" and sent back with the form's errors is shown again as the same date.
        if isinstance(value, str) and value:
            for input_format in formats.get_format("DATE_INPUT_FORMATS"):
                try:
                    return datetime.datetime.strptime(value.strip(), input_format).date().strftime(self.format)
                except ValueError:
                    continue
            return value
        if hasattr(value, "strftime"):
            return value.strftime(self.format)
        return super().format_value(value)


def label_empty_choices(form: forms.BaseForm, *, filter: bool = False) -> None:
    """Replace Django's "---------" empty choices of `form`'s fields by « Tous » (a filter) or
    « — Choisir — » (a form). Labels the form chose itself ("Toutes les catégories") are kept."""
    label = ALL if filter else CHOOSE
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DASHES:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if any(value == "" and text == DASHES for value, text in choices):
                field.choices = [(value, label if value == "" and text == DASHES else text)
                                 for value, text in choices]


class StaffFormMixin:
    """Back-office forms: "---------" reads « — Choisir — » (set `staff_filter = True` for « Tous »)."""

    staff_filter = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        label_empty_choices(self, filter=self.staff_filter)
