"""Back-office order forms: the list's filters and the inputs of the detail page's actions.

The forms only check the input; the views hand the cleaned values to the services.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ashopy.accounts.forms import BootstrapMixin
from ashopy.backoffice.widgets import DateInput, StaffFormMixin
from ashopy.orders.models import Order
from ashopy.orders.selectors import STATE_GROUPS, OrderFilters
from ashopy.payments import providers

NOTE_LENGTH = 4000  # what orders.services keeps of a note


def payment_method_choices(store) -> list[tuple[str, str]]:
    """The methods the store offers, by code, with their label."""
    return [(provider.code, str(provider.label or provider.code)) for provider in providers.offered(store)]


class OrderFilterForm(StaffFormMixin, BootstrapMixin, forms.Form):
    staff_filter = True

    q = forms.CharField(label=_("Number, customer name or e-mail"), max_length=100, required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    payment_method = forms.ChoiceField(label=_("Payment method"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    paid_from = forms.DateField(label=_("Paid from"), required=False, widget=DateInput())
    paid_to = forms.DateField(label=_("Paid until"), required=False, widget=DateInput())

    # Labels of orders.selectors.STATE_GROUPS, the lists the staff home's figures link to.
    GROUP_LABELS = {"sold": _("Sales: paid, not cancelled"),
                    "to_prepare": _("To prepare: paid or paid on delivery, not shipped"),
                    "to_collect": _("To collect: delivered, cash on delivery not recorded")}

    def __init__(self, store, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [
            ("", _("All states")),
            (_("Groups"), [(name, self.GROUP_LABELS[name]) for name in STATE_GROUPS]),
            (_("States"), Order.State.choices),
        ]
        self.fields["payment_method"].choices = [("", _("All methods")), *payment_method_choices(store)]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
            data.pop("date_to", None)
        if data.get("paid_from") and data.get("paid_to") and data["paid_from"] > data["paid_to"]:
            self.add_error("paid_to", _("The end date is before the start date."))
            data.pop("paid_to", None)
        return data

    def filters(self) -> OrderFilters:
        """The valid filters (dates in the current time zone: the view sets the store's)."""
        data = self.cleaned_data if self.is_bound else {}
        return OrderFilters(state=data.get("state") or "", payment_method=data.get("payment_method") or "",
                            created_after=data.get("date_from"), created_before=data.get("date_to"),
                            paid_after=data.get("paid_from"), paid_before=data.get("paid_to"),
                            q=data.get("q") or "")


class PreorderFilterForm(StaffFormMixin, BootstrapMixin, forms.Form):
    """The waiting pre-orders' filter: one of the products that has some."""

    staff_filter = True

    product = forms.TypedChoiceField(label=_("Product"), required=False, coerce=int, empty_value=None)

    def __init__(self, products, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", _("All products")), *products]

    def product_id(self) -> int | None:
        return self.cleaned_data.get("product") if self.is_bound and self.is_valid() else None


class NoteForm(StaffFormMixin, BootstrapMixin, forms.Form):
    """The optional note of a state change, kept on its event."""

    note = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, required=False)


class TrackingForm(StaffFormMixin, BootstrapMixin, forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=Order._meta.get_field("carrier").max_length,
                              required=False)
    tracking_number = forms.CharField(label=_("Tracking number"),
                                      max_length=Order._meta.get_field("tracking_number").max_length, required=False)
    tracking_url = forms.URLField(label=_("Tracking link"), max_length=Order._meta.get_field("tracking_url").max_length,
                                  required=False, assume_scheme="https")


class ShipForm(TrackingForm):
    note = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, required=False)


class AddNoteForm(StaffFormMixin, BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))
