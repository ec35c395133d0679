"""Filters of the till's staff pages: they only check shapes; the selectors read."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ashopy.pos.models import Closure, Till, TillSession


class TicketSearchForm(forms.Form):
    q = forms.CharField(label=_("Number or customer"), required=False, max_length=120,
                        widget=forms.TextInput(attrs={"placeholder": _("C1-000042, name or e-mail")}))
    day = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {"query": self.cleaned_data["q"], "day": self.cleaned_data["day"]}


class SessionFilterForm(forms.Form):
    till = forms.ModelChoiceField(label=_("Till"), queryset=Till.objects.none(), required=False,
                                  empty_label=_("All tills"))
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All"))])

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["till"].queryset = Till.objects.filter(store=store).order_by("code")
        self.fields["state"].choices = [("", _("All")), *TillSession.State.choices]

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class ClosureFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Closure.Kind.choices])

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class ArchiveForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2999)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.now().year


class BuyerForm(forms.Form):
    """Who the invoice of a till sale is for: a name or a company at least, the rest as the buyer gives it."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    line1 = forms.CharField(label=_("Address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    country = forms.CharField(label=_("Country (ISO code)"), max_length=2, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    vat_number = forms.CharField(label=_("VAT number"), max_length=20, required=False)
    siren = forms.CharField(label=_("SIREN"), max_length=11, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        data = super().clean()
        if not (data.get("name") or data.get("company")):
            raise forms.ValidationError(_("Give the buyer's name or company."))
        if data.get("country"):
            data["country"] = data["country"].upper()
        return data
