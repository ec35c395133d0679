"""Account forms: they check the shape of the input; the services decide and write."""

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from .models import Address, Partner, Segment
from .selectors import NO_PARTNER, NO_SEGMENT, PENDING, CustomerFilters

EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 150


class BootstrapMixin:
    """Give widgets Bootstrap classes, and invalid ones `is-invalid`, so templates stay plain loops."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs["class"]:
                widget.attrs["class"] += " is-invalid"


def add_service_errors(form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError next to the matching fields (the rest above the form)."""
    aliases = aliases or {}
    for field, messages in error.update_error_dict({}).items():
        field = aliases.get(field, field)
        form.add_error(field if field in form.fields else NON_FIELD_ERRORS, messages)


class RegistrationForm(BootstrapMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=EMAIL_MAX_LENGTH,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    first_name = forms.CharField(label=_("First name"), max_length=NAME_MAX_LENGTH,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label=_("Last name"), max_length=NAME_MAX_LENGTH,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    phone = PhoneNumberField(label=_("Phone"), help_text=_("Local number, or international with the + prefix."))
    segment = forms.ChoiceField(label=_("I am"), required=False,
                                choices=[("", _("An individual")), *Segment.choices],
                                help_text=_("The shop checks it before it gives any discount."))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=lazy(password_validation.password_validators_help_text_html, str)())
    password_confirm = forms.CharField(label=_("Password (again)"), strip=False,
                                       widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", _("The two passwords do not match."))
        return cleaned


class EmailAuthenticationForm(BootstrapMixin, auth_forms.AuthenticationForm):
    """Django's login form, asking for the e-mail address the account was created with."""

    username = forms.EmailField(label=_("E-mail"), max_length=EMAIL_MAX_LENGTH,
                                widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))


class PasswordChangeForm(BootstrapMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(BootstrapMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(BootstrapMixin, auth_forms.SetPasswordForm):
    pass


class ProfileForm(BootstrapMixin, forms.Form):
    """What customers may change themselves: e-mail, segment and partner are set by the shop."""

    first_name = forms.CharField(label=_("First name"), max_length=NAME_MAX_LENGTH,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label=_("Last name"), max_length=NAME_MAX_LENGTH,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    phone = PhoneNumberField(label=_("Phone"), required=False,
                             help_text=_("Local number, or international with the + prefix."))


_ADDRESS_AUTOCOMPLETE = {"first_name": "given-name", "last_name": "family-name", "company": "organization",
                         "line1": "address-line1", "line2": "address-line2", "postal_code": "postal-code",
                         "city": "address-level2", "country": "country", "phone": "tel"}


class AddressForm(BootstrapMixin, forms.ModelForm):
    """Checks an address; `services.save_address` writes it (the form is never saved itself)."""

    class Meta:
        model = Address
        fields = ("label", "first_name", "last_name", "company", "line1", "line2", "postal_code", "city",
                  "country", "phone", "is_default_shipping", "is_default_billing")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in _ADDRESS_AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        for name in ("is_default_shipping", "is_default_billing"):
            if getattr(self.instance, name):
                del self.fields[name]  # a default is replaced by choosing another one, never left empty


# Staff: the customer list's search and filters, read by the back office and the staff API alike ------------

YES_NO = [("", _("Either")), ("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class CustomerFilterForm(BootstrapMixin, forms.Form):
    """Query parameters → `selectors.CustomerFilters`, with the same names on `/staff/customers/` and
    `/api/v1/staff/customers/`."""

    q = forms.CharField(label=_("Name, e-mail, phone or company"), max_length=100, required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    partner = forms.ChoiceField(label=_("Partner"), required=False)
    email_verified = forms.ChoiceField(label=_("E-mail confirmed"), choices=YES_NO, required=False)
    has_ordered = forms.ChoiceField(label=_("Has ordered here"), choices=YES_NO, required=False)

    def __init__(self, store, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = [("", _("All segments")), (PENDING, _("Awaiting verification")),
                                          (NO_SEGMENT, _("No segment")), *Segment.choices]
        self.fields["partner"].choices = [("", _("All partners")), (NO_PARTNER, _("No partner")),
                                          *((str(pk), name) for pk, name in
                                            Partner.objects.for_store(store).values_list("pk", "name"))]

    def filters(self) -> CustomerFilters:
        """The valid filters (an invalid one is left out: the caller says so or refuses)."""
        data = self.cleaned_data if self.is_bound else {}
        partner = data.get("partner") or None
        return CustomerFilters(
            q=data.get("q") or "", segment=data.get("segment") or "",
            partner=partner if partner in (None, NO_PARTNER) else int(partner),
            email_verified=_yes_no(data.get("email_verified") or ""),
            has_ordered=_yes_no(data.get("has_ordered") or ""))
