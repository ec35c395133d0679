"""Methods paid outside ashopy: the order waits as "awaiting payment" until staff mark it paid."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import iban as stdnum_iban

from .base import Provider, ProviderError, Started

# A RIB of the West African monetary union: bank code (a letter or country prefix and digits), branch,
# account number and key, e.g. "SN012 01001 012345678901 23".
UEMOA_RIB = re.compile(r"[A-Z]{2}\d{3}\d{5}\d{12}\d{2}|[A-Z]\d{4}\d{5}\d{12}\d{2}")


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
    """Config: holder, bank and the account as an IBAN (checked) or a UEMOA RIB (West Africa), and a BIC.

    A store whose configuration lacks one of them does not offer transfers: the customer would not
    know where to pay (`manage.py check` says what is missing)."""

    code = "bank_transfer"
    label = gettext_lazy("Bank transfer")
    offline = True
    refundable = False

    def config_errors(self) -> list[str]:
        errors = [f"{key} is missing" for key in ("holder", "bank") if not str(self.config.get(key, "")).strip()]
        iban, rib = self.config.get("iban", ""), self.config.get("rib", "")
        if not iban and not rib:
            errors.append("iban (or rib) is missing")
        if iban and not stdnum_iban.is_valid(iban):
            errors.append(f"iban {iban!r} is not a valid IBAN")
        if rib and not UEMOA_RIB.fullmatch(re.sub(r"\s", "", rib).upper()):
            errors.append(f"rib {rib!r} is not a UEMOA RIB (bank code, branch, account number and key: 24 characters)")
        return errors

    def start(self, request):
        details = [_("%(label)s: %(value)s") % {"label": label, "value": self.config[key]} for key, label in (
            ("holder", _("Account holder")), ("bank", _("Bank")), ("iban", "IBAN"), ("rib", "RIB"), ("bic", "BIC"))
            if self.config.get(key)]
        text = _("Transfer the total to the account below with the reference {reference}; "
                 "your order is prepared when the money arrives.").format(reference=request.order_number)
        return Started(instructions="\n".join([text, *details]))

    def refund(self, **kwargs):
        raise ProviderError(_("Bank transfers are refunded by a transfer from your bank."))
