"""Back-office quote forms: the list's filters, a new quote's recipient, a draft's details and its lines.

The forms check types and bounds only; `sales.quote_services` decides (the customer is the store's, a
changed price has a reason, the deposit fits the total) and its refusals come back on the fields.
Amounts are typed in the page's language ("12,50" in French, "12 500" for francs CFA).
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ashopy.accounts.forms import BootstrapMixin
from ashopy.backoffice.sales.forms import AmountField, date_input, styled
from ashopy.inventory.services import MAX_QUANTITY
from ashopy.sales.quote_models import Quote
from ashopy.sales.staff_quotes import QuoteFilters


class QuoteFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Number, customer name or e-mail"), max_length=100, required=False)
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", pgettext_lazy("quotes", "All states")), *Quote.State.choices])
    requested = forms.BooleanField(label=_("Customer requests only"), required=False)
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    date_from = forms.DateField(label=_("Created from"), required=False, widget=date_input())
    date_to = forms.DateField(label=_("Created until"), required=False, widget=date_input())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
            data.pop("date_to", None)
        return data

    def filters(self) -> QuoteFilters:
        data = self.cleaned_data if self.is_bound else {}
        return QuoteFilters(state=data.get("state") or "", created_after=data.get("date_from"),
                            created_before=data.get("date_to"), customer_id=data.get("customer"),
                            requested=bool(data.get("requested")), q=data.get("q") or "")


class ProspectForm(BootstrapMixin, forms.Form):
    """A quote for someone who is not a customer yet: an e-mail address at least."""

    prospect_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    prospect_company = forms.CharField(label=_("Company"), max_length=150, required=False)
    prospect_email = forms.EmailField(label=_("E-mail"), max_length=254)


class QuoteDetailsForm(BootstrapMixin, forms.Form):
    """A draft's validity, deposit (a percentage or an amount), notes and terms."""

    valid_until = forms.DateField(label=_("Valid until"), widget=date_input())
    deposit_percent = forms.DecimalField(label=_("Deposit (%)"), required=False, min_value=Decimal("0.01"),
                                         max_value=100, max_digits=5, decimal_places=2, localize=True,
                                         widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    notes = forms.CharField(label=_("Notes for the customer"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    terms = forms.CharField(label=_("Terms"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, quote: Quote, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deposit_amount"] = AmountField(currency=quote.currency, label=_("Or a deposit amount"),
                                                    required=False)
        styled([self.fields["deposit_amount"]])
        self.order_fields(["valid_until", "deposit_percent", "deposit_amount", "notes", "terms"])

    def clean(self):
        data = super().clean()
        if data.get("deposit_percent") and data.get("deposit_amount"):
            raise ValidationError(_("Ask for a deposit as a percentage or as an amount, not both."))
        return data


def quantity_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, **kwargs)


class CatalogueLineForm(BootstrapMixin, forms.Form):
    """A catalogue variant at the customer's price, or another price with a reason."""

    variant = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quantity = quantity_field(initial=1)
    reason = forms.CharField(label=_("Reason for another price"), max_length=255, required=False)
    optional = forms.BooleanField(label=_("Optional (the customer may tick it)"), required=False)

    def __init__(self, quote: Quote, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_price"] = AmountField(currency=quote.currency, label=_("Unit price excl. tax"),
                                                required=False, help_text=_("Empty: the catalogue price."))
        styled([self.fields["unit_price"]])
        self.order_fields(["variant", "quantity", "unit_price", "reason", "optional"])


class FreeLineForm(BootstrapMixin, forms.Form):
    """A line written by hand: a service, a delivery, a fee (excl. tax)."""

    description = forms.CharField(label=_("Description"), max_length=255)
    quantity = quantity_field(initial=1)
    tax_rate = forms.DecimalField(label=_("VAT rate (%)"), required=False, min_value=0, max_value=100,
                                  max_digits=5, decimal_places=2, localize=True,
                                  widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                                  help_text=_("Empty: the store's usual rate."))
    optional = forms.BooleanField(label=_("Optional (the customer may tick it)"), required=False)

    def __init__(self, quote: Quote, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_price"] = AmountField(currency=quote.currency, label=_("Unit price excl. tax"))
        styled([self.fields["unit_price"]])
        self.order_fields(["description", "quantity", "unit_price", "tax_rate", "optional"])


class LineForm(BootstrapMixin, forms.Form):
    """A draft line's quantity, price (with the reason when it is not the catalogue's) and whether it is optional."""

    quantity = quantity_field()
    reason = forms.CharField(label=_("Reason for the price"), max_length=255, required=False)
    optional = forms.BooleanField(label=_("Optional"), required=False)

    def __init__(self, quote: Quote, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_price"] = AmountField(currency=quote.currency, label=_("Unit price excl. tax"))
        styled([self.fields["unit_price"]])
        self.order_fields(["quantity", "unit_price", "reason", "optional"])


class DepositForm(BootstrapMixin, forms.Form):
    """Money received for a converted quote's order by transfer or in cash (the deposit, or the balance)."""

    method = forms.ChoiceField(label=_("Payment method"), choices=[("bank_transfer", _("Bank transfer")),
                                                                   ("cash", _("Cash"))])

    def __init__(self, quote: Quote, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"] = AmountField(currency=quote.currency, label=_("Amount received"))
        styled([self.fields["amount"]])
        self.order_fields(["amount", "method"])


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Why (kept in the history)"), max_length=1000, required=False)
