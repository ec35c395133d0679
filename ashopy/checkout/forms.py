"""The checkout steps' forms. They check input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.formfields import PhoneNumberField

from ashopy.accounts.forms import BootstrapMixin

from .services import ADDRESS_FIELDS


class AddressFields(BootstrapMixin, forms.Form):
    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150)
    company = forms.CharField(label=_("company"), max_length=150, required=False)
    line1 = forms.CharField(label=_("address"), max_length=255)
    line2 = forms.CharField(label=_("address (continued)"), max_length=255, required=False)
    postal_code = forms.CharField(label=_("postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("city"), max_length=120)
    country = CountryField().formfield(label=_("country"))
    phone = PhoneNumberField(label=_("phone"), required=False)

    def as_address(self) -> dict:
        data = self.cleaned_data
        return {name: str(data.get(name) or "") for name in ADDRESS_FIELDS}


class ContactForm(BootstrapMixin, forms.Form):
    email = forms.EmailField(label=_("e-mail"), max_length=254)


class ChoiceForm(BootstrapMixin, forms.Form):
    """One radio choice among what the step offers (shipping methods, payment methods, saved addresses)."""

    choice = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = choices
        self.fields["choice"].widget.attrs["class"] = "form-check-input"
