"""The one interface every payment provider implements.

A provider is a small class around one external service (or none: cash on delivery). It
knows how to start a payment, how to read and verify that service's notifications, and how
to refund. It never touches the database: `payments.services` turns what it returns into
`Payment` rows and order transitions, so every provider behaves the same to the rest of ashopy.
Network calls happen outside database transactions (the services make sure of it).
"""

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError


class Outcome(StrEnum):
    """What a notification says about a payment."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    PENDING = "pending"  # a notification that changes nothing for us (processing, …)


@dataclass(frozen=True)
class PaymentRequest:
    """Everything a provider needs to start one payment attempt."""

    payment_id: int  # our Payment row: providers echo it back (metadata, client reference, order id)
    reference: str  # our own unique reference for the attempt, e.g. "PAY-12-3f9a…"
    amount: Decimal  # in the currency's major unit, already rounded with its exponent
    currency: str  # ISO 4217, e.g. "XOF", "EUR"
    order_number: str
    description: str
    customer_email: str
    success_url: str  # where the provider sends the customer back after paying
    cancel_url: str  # … after cancelling on the provider's page
    notify_url: str  # our webhook for this provider, absolute URL
    language: str = "fr"


@dataclass(frozen=True)
class Started:
    """A payment attempt the provider accepted."""

    provider_reference: str = ""  # the provider's id for the attempt (session id, transaction id, …)
    redirect_url: str = ""  # send the customer there to pay (empty for offline methods)
    instructions: str = ""  # what to tell the customer (bank details, "pay the courier", …)
    verification_token: str = ""  # a secret the provider echoes in its notifications (Orange Money's notif_token)
    data: Mapping = field(default_factory=dict)  # what to keep for later calls (refunds), stored on the Payment
    raw: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Notification:
    """A verified notification from the provider."""

    event_id: str  # unique per provider: a replay carries the same id and is ignored
    outcome: Outcome
    provider_reference: str = ""  # matches Started.provider_reference when the provider sends it
    reference: str = ""  # our PaymentRequest.reference, when the provider echoes it
    amount: Decimal | None = None
    currency: str = ""
    verification_token: str = ""  # checked (constant time) against Started.verification_token
    data: Mapping = field(default_factory=dict)  # merged into the Payment's stored data (e.g. Stripe's payment_intent)
    raw: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class Refunded:
    provider_reference: str
    raw: Mapping = field(default_factory=dict)


class InvalidNotification(DomainError):
    """Signature missing, forged or stale, or a body we cannot read: answered 400, nothing changes."""

    code = "invalid_notification"
    message = _("The notification could not be verified.")


class ProviderError(DomainError):
    """The provider refused the call or could not be reached."""

    code = "payment_provider_error"
    status = 502
    message = _("The payment service is unavailable. Nothing was charged; please try again.")


class Provider(ABC):
    """Base class. Subclasses set `code` and `label`, implement `start`, and override the other two
    when their service sends notifications or makes refunds; by default a provider trusts no
    notification (offline methods have none) and refunds nothing itself."""

    code: str = ""
    label = ""
    offline = False  # the order waits for staff to mark it paid (cash on delivery, bank transfer)
    refundable = True

    def __init__(self, config: Mapping | None = None):
        self.config = dict(config or {})
        if self.config.get("label"):  # e.g. "Wave (demo)": what the customer reads at checkout
            self.label = self.config["label"]

    def config_errors(self) -> list[str]:
        """What is missing or wrong in this store's configuration (the provider is then not offered)."""
        return []

    @abstractmethod
    def start(self, request: PaymentRequest) -> Started:
        """Open the payment on the provider's side: where to send the customer, or what to tell them."""

    def parse_notification(self, body: bytes, headers: Mapping[str, str]) -> Notification:
        """Verify and read one webhook call. Raise InvalidNotification when it cannot be trusted."""
        raise InvalidNotification()

    def refund(self, *, provider_reference: str, amount: Decimal, currency: str, reference: str,
               data: Mapping) -> Refunded:
        """Give `amount` back. `data` is what start() and the notifications asked to keep."""
        raise ProviderError(_("This payment method makes no refunds itself: refund the customer by hand."))
