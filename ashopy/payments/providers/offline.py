"""Methods paid outside ashopy: the order waits as "awaiting payment" until staff mark it paid."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import Provider, ProviderError, Started


class CashOnDelivery(Provider):
    code = "cash_on_delivery"
    label = gettext_lazy("Cash on delivery")
    offline = True
    refundable = False

    def start(self, request):
        return Started(instructions=_("Pay the courier in cash when your order is delivered."))

    def refund(self, **kwargs):
        raise ProviderError(_("Cash payments are refunded by hand."))


class BankTransfer(Provider):
    """Config: holder, iban, bic (and optionally bank)."""

    code = "bank_transfer"
    label = gettext_lazy("Bank transfer")
    offline = True
    refundable = False

    def start(self, request):
        details = [f"{label}: {self.config[key]}" for key, label in (
            ("holder", _("Account holder")), ("bank", _("Bank")), ("iban", "IBAN"), ("bic", "BIC"))
            if self.config.get(key)]
        text = _("Transfer the total to the account below with the reference {reference}; "
                 "your order is prepared when the money arrives.").format(reference=request.order_number)
        return Started(instructions="\n".join([text, *details]))

    def refund(self, **kwargs):
        raise ProviderError(_("Bank transfers are refunded by a transfer from your bank."))
