"""Mobile money at the till (Wave, Orange Money) through the payments app's providers.

The cashier asks for an amount; the provider's payment link is shown as a QR code the customer
scans; the provider's webhook (payments' endpoint, signature and once-only event check) moves the
order-less `Payment`, and `_moved` moves the request in the same transaction — a replay moves
nothing. A request waits `timeout()` (setting `POS_MOBILE_PAYMENT_TIMEOUT`, seconds, 600 by default):
pending past `expires_at` it reads "expired" and no sale takes it. A sale takes a succeeded request of
its own session, method and amount once (`take`, under the request's row lock).

The provider is called outside any transaction (payments' rule).
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ashopy.core.errors import NotFound
from ashopy.payments import services as payments
from ashopy.payments.models import Payment
from ashopy.payments.providers import get as provider_of
from ashopy.payments.providers.base import Outcome, ProviderError

from .errors import (
    MobilePaymentMismatch,
    MobilePaymentNotFound,
    MobilePaymentNotPaid,
    MobilePaymentSucceeded,
    MobilePaymentUsed,
    ProviderNotOffered,
    UnknownMethod,
)
from .services import amount_of, check_selling, locked_session, require_cashier
from .tender_models import MobilePaymentRequest

DEFAULT_TIMEOUT = 600  # seconds
STATE_OF = {Payment.Status.SUCCEEDED: MobilePaymentRequest.State.SUCCEEDED,
            Payment.Status.FAILED: MobilePaymentRequest.State.FAILED,
            Payment.Status.CANCELLED: MobilePaymentRequest.State.CANCELLED,
            Payment.Status.EXPIRED: MobilePaymentRequest.State.EXPIRED}


def timeout() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "POS_MOBILE_PAYMENT_TIMEOUT", DEFAULT_TIMEOUT)))


def state(request: MobilePaymentRequest, now=None) -> str:
    """What the till reads: a pending request past its expiry is expired."""
    if request.state == MobilePaymentRequest.State.PENDING and (now or timezone.now()) >= request.expires_at:
        return MobilePaymentRequest.State.EXPIRED
    return request.state


def create(*, user, session, provider: str, amount, urls: dict[str, str]) -> MobilePaymentRequest:
    """Ask `provider` for a payment of `amount` at the session's till. `urls`: "success", "cancel" (where the
    provider's page sends the customer) and "notify" (the provider's webhook, absolute)."""
    if provider not in MobilePaymentRequest.Provider.values:
        raise UnknownMethod(fields={"provider": [str(UnknownMethod.message)]})
    with transaction.atomic():
        session = locked_session(session.pk)
        store = session.till.store
        require_cashier(user, store)
        check_selling(session)
        amount = amount_of(amount, store.currency)
        client = provider_of(store, provider)
        if client is None:
            raise ProviderNotOffered()
        payment = payments.create_detached(store=store, provider=client, amount=amount, currency=store.currency,
                                           data={"till_session": session.pk})
        request = MobilePaymentRequest.objects.create(
            store=store, session=session, provider=provider, amount=amount, currency=store.currency,
            payment=payment, expires_at=timezone.now() + timeout(), created_by=user)
    try:
        payment = payments.start_detached(payment=payment, provider=client, urls=urls,
                                          description=f"{store.name} — {session.till.name}")
    except ProviderError:
        MobilePaymentRequest.objects.filter(pk=request.pk).update(state=MobilePaymentRequest.State.FAILED,
                                                                  updated_at=timezone.now())
        raise
    request.provider_reference, request.payment_url = payment.provider_reference, payment.redirect_url
    request.save(update_fields=["provider_reference", "payment_url", "updated_at"])
    return request


def _moved(payment: Payment) -> None:
    """The payments app moved an order-less payment (a webhook, once): its till request follows.
    A success counts even after the till's timeout (the customer's money was taken); a cancelled
    request stays cancelled and keeps the provider's word on its payment."""
    new = STATE_OF.get(payment.status)
    request = MobilePaymentRequest.objects.select_for_update().filter(payment_id=payment.pk).first()
    if request is None or new is None:
        return
    if request.state == MobilePaymentRequest.State.PENDING or (
            new == MobilePaymentRequest.State.SUCCEEDED and request.state == MobilePaymentRequest.State.EXPIRED):
        request.state = new
        request.save(update_fields=["state", "updated_at"])


payments.on_detached_outcome(_moved)


def _locked(store, request_id: int) -> MobilePaymentRequest:
    request = (MobilePaymentRequest.objects.select_for_update().filter(pk=request_id, store=store)
               .select_related("payment").first())
    if request is None:
        raise NotFound()
    return request


@transaction.atomic
def cancel(*, user, store, request_id: int) -> MobilePaymentRequest:
    """The cashier gives up on the request (the customer will pay otherwise). Refused once paid. The
    provider's page may still be open: a payment made there later is recorded on the request's
    payment but the request stays cancelled (refund it from the provider's portal)."""
    require_cashier(user, store)
    request = _locked(store, request_id)
    if request.state == MobilePaymentRequest.State.SUCCEEDED:
        raise MobilePaymentSucceeded()
    if request.state == MobilePaymentRequest.State.PENDING:
        payment = Payment.objects.select_for_update().get(pk=request.payment_id)
        request.state = MobilePaymentRequest.State.CANCELLED
        request.save(update_fields=["state", "updated_at"])
        payments.apply_outcome(payment=payment, outcome=Outcome.CANCELLED)
    return request


def take(*, session, requests: dict[int, tuple[str, Decimal]]) -> list[MobilePaymentRequest]:
    """Lock and check the requests a sale pays with ({id: (method, amount)}): succeeded, of this session,
    method and amount, used by no ticket. The caller's transaction; `use` then ties them to the ticket."""
    found = {request.pk: request for request in MobilePaymentRequest.objects.select_for_update()
             .filter(pk__in=list(requests), store_id=session.till.store_id).order_by("pk")}
    for pk, (method, amount) in requests.items():
        request = found.get(pk)
        if request is None:
            raise MobilePaymentNotFound()
        if request.session_id != session.pk or request.provider != method or request.amount != amount:
            raise MobilePaymentMismatch()
        if request.state != MobilePaymentRequest.State.SUCCEEDED:
            raise MobilePaymentNotPaid()
        if request.ticket_id is not None:
            raise MobilePaymentUsed()
    return list(found.values())


def use(requests: list[MobilePaymentRequest], ticket) -> None:
    for request in requests:
        request.ticket = ticket
        request.save(update_fields=["ticket", "updated_at"])
