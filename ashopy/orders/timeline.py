"""What the system writes on an order's timeline: a code and its data, put into words when shown.

An event the system records (a payment received, an e-mail sent, a cancellation by the customer)
stores a `code` from MESSAGES and plain JSON `data` (amounts as strings); `text` renders it in the
reader's language when the page or the API answer is built, so a French merchant reads French and
an integrator gets the same facts in `code`/`data`. Notes typed by staff have no code: their text
is shown as written. Provider references stay in the payments table, never in a sentence.
"""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ashopy.core.money import format_money

# Amounts in `data` are formatted in the reader's locale; these keys hold one, with `currency`.
AMOUNT_KEYS = ("amount",)

MESSAGES = {
    "cancelled_by_customer": _("Cancelled by the customer."),
    "replaced_by_checkout": _("Replaced by a new checkout of the same cart."),
    "payment_not_started": _("The payment could not be started with %(method)s."),
    "payment_cancelled": _("Payment cancelled by the customer."),
    "quote_unpaid": _("Cancelled: nothing was paid within %(days)s days of the quote's acceptance."),
    "payment_outcome": _("Payment %(outcome)s with %(method)s."),
    "payment_received": _("Payment of %(amount)s received (%(method)s)."),
    "payment_recorded": _("Payment of %(amount)s recorded by hand (%(method)s)."),
    "deposit_received": _("Deposit of %(amount)s received (%(method)s)."),
    "deposit_recorded": _("Deposit of %(amount)s recorded by hand (%(method)s)."),
    "refunded": _("Refund of %(amount)s sent (%(method)s)."),
    "refund_by_hand": _("The refund could not be sent: to do by hand."),
    "email_sent": _("E-mail “%(email)s” sent to %(recipients)s."),
    "preorder_allocated": _("Pre-order: %(quantity)s × %(sku)s allocated from stock."),
    "tracking_changed": _("Tracking changed: %(tracking)s."),
}

EMAILS = {
    "confirmation": pgettext_lazy("e-mail", "order confirmation"),
    "payment_received": pgettext_lazy("e-mail", "payment received"),
    "shipped": pgettext_lazy("e-mail", "order shipped"),
    "cancelled": pgettext_lazy("e-mail", "order cancelled"),
    "refund_needed": pgettext_lazy("e-mail", "refund needed"),
}

OUTCOMES = {
    "failed": pgettext_lazy("payment outcome", "failed"),
    "cancelled": pgettext_lazy("payment outcome", "cancelled"),
    "expired": pgettext_lazy("payment outcome", "expired"),
}


@dataclass(frozen=True)
class Fact:
    """Something the system records on a timeline: a code of MESSAGES and its plain JSON data."""

    code: str
    data: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.code not in MESSAGES:
            raise ValueError(f"unknown timeline code {self.code!r}")


Note = str | Fact


def columns(note: Note) -> dict:
    """The OrderEvent fields that store `note`: a typed text, or a recorded fact."""
    if isinstance(note, Fact):
        return {"code": note.code, "data": note.data, "note": ""}
    return {"note": (note or "")[:4000]}


def amount(value: Decimal, currency: str) -> dict:
    return {"amount": str(value), "currency": currency}


_method_label: Callable[[str], str] | None = None


def register_method_labels(source: Callable[[str], str]) -> None:
    """`source(code)`: a payment method's name as people read it (the payments app, above this one)."""
    global _method_label
    _method_label = source


def method_label(code: str) -> str:
    return str(_method_label(code)) if _method_label is not None else code


def render(code: str, data: dict) -> str:
    """The event's sentence in the active language; an unknown code shows as its data, never as a 500."""
    template = MESSAGES.get(code)
    if template is None:
        return ", ".join(f"{key}: {value}" for key, value in sorted(data.items()))
    values = dict(data)
    for key in AMOUNT_KEYS:
        if key in values:
            with suppress(InvalidOperation, ValueError):
                values[key] = format_money(Decimal(str(values[key])), values.get("currency", ""))
    if "email" in values:
        values["email"] = str(EMAILS.get(values["email"], values["email"]))
    if "outcome" in values:
        values["outcome"] = str(OUTCOMES.get(values["outcome"], values["outcome"]))
    if "method" in values:
        values["method"] = method_label(values["method"])
    if isinstance(values.get("recipients"), list):
        values["recipients"] = ", ".join(values["recipients"])
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(template)
