"""The accounting page's period: from and to (issue dates, both included), and the usual presets."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from ashopy.accounts.forms import BootstrapMixin
from ashopy.backoffice.widgets import DateInput, StaffFormMixin
from ashopy.core.errors import DomainError
from ashopy.sales import journal


@dataclass(frozen=True)
class Preset:
    label: str
    date_from: date
    date_to: date


def presets(today: date) -> list[Preset]:
    """This month, last month and this year, whole, on the store's calendar (`today` is its day)."""
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    month_end = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    return [Preset(_("This month"), first, month_end),
            Preset(_("Last month"), last_month_end.replace(day=1), last_month_end),
            Preset(_("This year"), today.replace(month=1, day=1), today.replace(month=12, day=31))]


class PeriodForm(StaffFormMixin, BootstrapMixin, forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to"):
            try:
                journal.check_period(data["date_from"], data["date_to"])
            except DomainError as error:
                self.add_error("date_to", str(error))
        return data

    def period(self) -> tuple[date, date]:
        return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
