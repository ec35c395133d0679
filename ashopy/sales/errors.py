from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError, NotFound


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"
    message = _("No such invoice.")


class MentionsMissing(DomainError):
    """Issuing refused: the invoice lacks what the law requires it to say."""

    code = "mentions_missing"
    message = _("The invoice cannot be issued yet. Missing: {missing}.")

    def __init__(self, missing: list):
        self.missing = [str(item) for item in missing]
        super().__init__(missing="; ".join(self.missing), fields={"missing": self.missing})


class AlreadyIssued(DomainError):
    code = "already_issued"
    message = _("This invoice is issued: it can no longer be changed. Correct it with a credit note.")
    status = 409


class NothingToInvoice(DomainError):
    code = "nothing_to_invoice"
    message = _("This order cannot be invoiced yet: it is neither paid, delivered, nor waiting for a transfer.")


class PaymentTooLarge(DomainError):
    code = "payment_too_large"
    message = _("The amount is more than what remains due ({due}).")


class InvalidAmount(DomainError):
    code = "invalid_amount"
    message = _("Enter an amount above zero, in the currency's units.")


class NotIssued(DomainError):
    code = "not_issued"
    message = _("Only an issued invoice can be credited.")


class CreditTooLarge(DomainError):
    code = "credit_too_large"
    message = _("This would credit more than what remains on the invoice ({remaining}).")


class NothingToCredit(DomainError):
    code = "nothing_to_credit"
    message = _("Choose lines and quantities, or an amount, to credit.")


class NotSendable(DomainError):
    code = "not_sendable"
    message = _("Issue the invoice before sending it: a draft has no number and no PDF.")


class NoRecipient(DomainError):
    code = "no_recipient"
    message = _("This invoice has no e-mail address to send it to.")


class NotOverdue(DomainError):
    code = "not_overdue"
    message = _("Only an overdue invoice gets a payment reminder.")


class InvalidLegalProfile(DomainError):
    code = "invalid_legal_profile"
    message = _("Some legal details are not valid.")


# --- quotes ----------------------------------------------------------------------------------

class QuoteNotFound(NotFound):
    code = "quote_not_found"
    message = _("No such quote.")


QUOTE_STATE_MESSAGES = {
    "draft": _("This quote is still a draft: it has not been sent."),
    "sent": _("This quote has been sent: it can no longer be changed."),
    "accepted": _("This quote has already been accepted."),
    "refused": _("This quote has been refused."),
    "expired": _("This quote has expired."),
    "converted": _("This quote has already been accepted and turned into an order."),
    "withdrawn": _("This quote has been withdrawn by the store."),
}


class QuoteStateError(DomainError):
    """The quote's state does not allow this; the message says which state, in a sentence of its own."""

    code = "quote_state"
    status = 409
    message = _("This quote cannot be changed that way.")

    def __init__(self, quote):
        self.state = quote.state
        super().__init__(QUOTE_STATE_MESSAGES.get(quote.state, self.message))


class QuoteNotEditable(QuoteStateError):
    """Only a draft's content changes."""

    code = "quote_not_editable"


class QuoteExpired(DomainError):
    code = "quote_expired"
    status = 409
    message = _("This quote expired on {date}: it can no longer be accepted. Ask the store for a new one.")


class QuoteEmpty(DomainError):
    code = "quote_empty"
    message = _("Add at least one line before sending the quote.")


class QuoteNoRecipient(DomainError):
    code = "quote_no_recipient"
    message = _("Choose a customer, or give the prospect's e-mail address.")


class InvalidQuoteLine(DomainError):
    code = "invalid_quote_line"
    message = _("This line is not valid.")


class PriceReasonRequired(DomainError):
    code = "price_reason_required"
    message = _("This price differs from the catalogue price for this customer ({price}): say why.")


class InvalidDeposit(DomainError):
    code = "invalid_deposit"
    message = _("The deposit is either a percentage above 0 and up to 100, or an amount above zero within "
                "the quote's total; not both.")


class InvalidValidity(DomainError):
    code = "invalid_validity"
    message = _("The quote must be valid until a date after today.")


class AcceptanceIncomplete(DomainError):
    code = "acceptance_incomplete"
    message = _("Type your full name and accept the terms to accept the quote.")


class UnknownQuoteOption(DomainError):
    code = "unknown_quote_option"
    message = _("Choose among the quote's optional lines.")


class NoDeposit(DomainError):
    code = "no_deposit"
    status = 409
    message = _("Nothing is left to pay on this order.")


class InvalidDepositMethod(DomainError):
    code = "invalid_deposit_method"
    message = _("Choose bank transfer or cash.")
class PaymentOnDraft(DomainError):
    """A payment on a draft: nothing is due on it until it is issued."""

    code = "not_issued"
    message = _("Issue the invoice before recording a payment on it: a draft is not due yet.")
    status = 409


class PdfMissing(DomainError):
    """The stored PDF of an issued document cannot be read; it is never silently made again."""

    code = "pdf_missing"
    message = _("The PDF of this document cannot be found. The team has been told; try again later.")
    status = 409


class MailNotSent(DomainError):
    """The mail server refused or could not be reached: nothing was recorded as sent."""

    code = "mail_not_sent"
    message = _("The e-mail could not be sent. Try again later.")
    status = 502


class StoreCreditTooSmall(DomainError):
    code = "store_credit_too_small"
    message = _("This store credit has {remaining} left: pay the rest another way.")
    status = 409


class RefundOrStoreCredit(DomainError):
    code = "refund_or_store_credit"
    message = _("A credit note is either refunded or kept as store credit, not both.")


class StoreCreditNotFound(NotFound):
    code = "store_credit_not_found"
    message = _("No store credit with this credit note number.")
