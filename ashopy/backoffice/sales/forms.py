"""Back-office invoice forms: the list's filters, a payment, a credit note, the e-mail and the legal profile.

The forms only check the input (types, bounds, the currency's decimals, what is left to credit); the sales
services decide and check again. Amounts are typed in the page's language ("12,50" in French, "12500"
for francs CFA, with or without the spaces of thousands).
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ashopy.accounts.forms import BootstrapMixin
from ashopy.backoffice.widgets import DateInput, StaffFormMixin
from ashopy.core.money import ZERO, quantum
from ashopy.sales.models import Invoice, InvoiceLine, SellerProfile
from ashopy.sales.selectors import NOT_FULLY_PAID, InvoiceFilters
from ashopy.stores.models import Store

MAX_AMOUNT = Decimal("999999999999.99")  # what an invoice's amount columns hold (14 digits, 2 places)
SPACES = re.compile(r"[\s\u00a0\u202f']")  # thousands as people type them: 12 500, 12 500, 12'500


class AmountField(forms.DecimalField):
    """An amount of `currency`, localised, above zero, with no more decimals than the currency has."""

    def __init__(self, *, currency: str, **kwargs):
        self.currency = currency
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(max_digits=14, decimal_places=2, max_value=MAX_AMOUNT, localize=True, **kwargs)

    def to_python(self, value):
        return super().to_python(SPACES.sub("", value) if isinstance(value, str) else value)

    def clean(self, value):
        value = super().clean(value)  # a number within the digits and the bounds, or an error already
        if value is None:
            return value
        if value <= 0:
            raise ValidationError(_("Enter an amount above zero."), code="min_value")
        step = quantum(self.currency)
        if value != value.quantize(step):
            raise ValidationError(_("Amounts in %(currency)s have at most %(places)s decimal(s).") % {
                "currency": self.currency, "places": -step.as_tuple().exponent}, code="minor_unit")
        return value

    def prepare_value(self, value):
        if isinstance(value, Decimal):  # shown in the currency's minor unit: "12500", not "12500.00"
            value = value.quantize(quantum(self.currency))
        return super().prepare_value(value)


def styled(fields) -> None:
    """Bootstrap classes on fields added after `BootstrapMixin.__init__` ran."""
    for field in fields:
        widget = field.widget
        css = ("form-check-input" if isinstance(widget, forms.CheckboxInput)
               else "form-select" if isinstance(widget, forms.Select) else "form-control")
        if css not in widget.attrs.get("class", "").split():
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def date_input():
    return DateInput()


class InvoiceFilterForm(StaffFormMixin, BootstrapMixin, forms.Form):
    staff_filter = True

    q = forms.CharField(label=_("Number, customer name or e-mail"), max_length=100, required=False)
    kind = forms.ChoiceField(label=pgettext_lazy("sales document", "Kind"), required=False,
                             choices=[("", pgettext_lazy("sales documents", "Invoices and credit notes")),
                                      *Invoice.Kind.choices])
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", pgettext_lazy("sales documents", "All states")), *Invoice.State.choices])
    payment_state = forms.ChoiceField(
        label=_("Payment"), required=False,
        choices=[("", pgettext_lazy("payment states", "All")), (NOT_FULLY_PAID, _("Not fully paid")),
                 *Invoice.Payment.choices])
    date_from = forms.DateField(label=_("Issued from"), required=False, widget=date_input())
    date_to = forms.DateField(label=_("Issued until"), required=False, widget=date_input())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
            data.pop("date_to", None)
        return data

    def filters(self) -> InvoiceFilters:
        data = self.cleaned_data if self.is_bound else {}
        return InvoiceFilters(kind=data.get("kind") or "", state=data.get("state") or "",
                              payment_state=data.get("payment_state") or "", issued_after=data.get("date_from"),
                              issued_before=data.get("date_to"), q=data.get("q") or "")


class PaymentForm(StaffFormMixin, BootstrapMixin, forms.Form):
    """Money received against an issued invoice (or given back on a credit note); partial amounts add up."""

    received_on = forms.DateField(label=_("Received on"), widget=date_input())
    method = forms.CharField(label=_("Payment method"), max_length=80,
                             widget=forms.TextInput(attrs={"list": "payment-methods"}))
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False,
                                help_text=_("Cheque number, transfer or mobile money reference …"))

    def __init__(self, invoice: Invoice, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["amount"] = AmountField(currency=invoice.currency, label=_("Amount"))
        styled([self.fields["amount"]])
        self.order_fields(["amount"])
        self.fields["received_on"].widget.attrs["max"] = today.isoformat()

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > self.today:
            raise ValidationError(_("This date is in the future."), code="future")
        return received_on


class SendForm(StaffFormMixin, BootstrapMixin, forms.Form):
    to = forms.EmailField(label=_("Send to"), max_length=254)


class CreditNoteForm(StaffFormMixin, BootstrapMixin, forms.Form):
    """What to credit: quantities of the invoice's lines, or an amount incl. tax; why; and what follows."""

    reason = forms.CharField(label=_("Reason"), max_length=255,
                             help_text=_("Printed on the credit note, e.g. “Returned goods” or “Commercial gesture”."))
    restock_to = forms.ModelChoiceField(
        label=_("Put the goods back in stock"), queryset=None, required=False,
        empty_label=pgettext_lazy("restock", "No, leave the stock as it is"))
    refund = forms.BooleanField(label=_("Refund through the original payment"), required=False)

    def __init__(self, invoice: Invoice, lines: list[InvoiceLine], credited: dict[int, Decimal], warehouses,
                 *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice = invoice
        self.fields["amount"] = AmountField(currency=invoice.currency, label=_("Or an amount incl. tax"),
                                            required=False)
        self.fields["restock_to"].queryset = warehouses
        self.rows = []
        for line in lines:
            left = line.quantity - credited.get(line.pk, ZERO)
            name = f"line_{line.pk}"
            self.fields[name] = forms.DecimalField(
                label=line.description, required=False, min_value=0, max_value=max(left, ZERO), max_digits=12,
                decimal_places=3, localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control form-control-sm w-auto",
                                              "size": 6, "autocomplete": "off"}))
            self.rows.append((line, left, name))
        styled(self.fields.values())
        if not invoice.order_id:
            del self.fields["refund"]

    def line_fields(self):
        return [(line, left, self[name]) for line, left, name in self.rows]

    def quantities(self) -> dict[int, Decimal]:
        return {line.pk: self.cleaned_data[name] for line, _left, name in self.rows
                if self.cleaned_data.get(name)}

    def clean(self):
        data = super().clean()
        if any(name in self.errors for _line, _left, name in self.rows) or "amount" in self.errors:
            return data
        quantities, amount = self.quantities(), data.get("amount")
        if quantities and amount:
            raise ValidationError(_("Credit either quantities of lines or an amount, not both."))
        if not quantities and not amount:
            raise ValidationError(_("Enter the quantities to credit, or an amount."))
        if amount and data.get("restock_to"):
            self.add_error("restock_to", _("Only units credited line by line go back in stock."))
        return data


class LegalProfileForm(StaffFormMixin, BootstrapMixin, forms.Form):
    """The store's legal details and its seller profile; which registration fields show depends on its country."""

    def __init__(self, store: Store, profile: SellerProfile, fields: tuple[str, ...], *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("legal_name", "address", "postal_code", "city"):
            field = Store._meta.get_field(name).formfield()
            field.required = False
            if name == "address":
                field.widget = forms.Textarea(attrs={"rows": 2})
            self.fields[name] = field
            self.initial.setdefault(name, getattr(store, name))
        for name in fields:
            field = SellerProfile._meta.get_field(name).formfield()
            if isinstance(field, forms.DecimalField):
                field.localize = True
                field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
                field.widget.is_localized = True
            self.fields[name] = field
            self.initial.setdefault(name, getattr(profile, name))
        styled(self.fields.values())
