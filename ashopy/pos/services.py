"""Tills and their sessions: set a till up, open a session with its float, put cash in or take it
out, close with a blind count, print a duplicate. Selling and refunding are in `selling.py`.

Every change takes the acting user (a salesperson, stock manager or admin of the store: a person,
never ashopy itself) and runs in one transaction that starts by locking the till's row, the lock
under which the till's chain grows (chain.py).
"""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from ashopy.core.errors import NotFound, PermissionDenied
from ashopy.core.money import ZERO, quantum
from ashopy.inventory.models import Warehouse
from ashopy.stores.models import Role, Store
from ashopy.stores.rules import SALES_ROLES, STOCK_ROLES, require_role

from . import chain, triggers
from .denominations import float_total
from .errors import (
    InvalidAmount,
    ReasonRequired,
    SessionAlreadyOpen,
    SessionClosed,
    SessionTooOld,
    TillRefused,
    UnknownMethod,
    WrongWarehouse,
)
from .models import (
    CashMovement,
    ChainRecord,
    Closure,
    Duplicate,
    PaymentMethod,
    Ticket,
    TicketInvoice,
    TicketLine,
    TicketPayment,
    Till,
    TillSession,
    ticket_reference,
)
from .tender_models import MobilePaymentRequest

SESSION_MAX_AGE = timedelta(hours=24)
MAX_AMOUNT = Decimal("999999999999")

# The largest discount each role may give on a line or a ticket, in percent; a larger one needs a
# colleague with a higher role. Constants rather than a store setting: a shop that needs other
# limits changes them here, in one place the services and the till page read.
MAX_DISCOUNT_PERCENT = {Role.VENDEUR: Decimal(10), Role.GESTIONNAIRE: Decimal(30), Role.ADMIN: Decimal(100)}


def require_cashier(user, store: Store) -> None:
    """A person holding a selling role in `store` (the till always knows who acts)."""
    if user is None:
        raise PermissionDenied()
    require_role(user=user, store=store, roles=SALES_ROLES)


def amount_of(value, currency: str, *, allow_zero: bool = False) -> Decimal:
    """A positive amount with no more decimals than the currency has (XOF: whole francs)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise InvalidAmount() from error
    if (not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero) or amount > MAX_AMOUNT
            or amount != amount.quantize(quantum(currency))):
        raise InvalidAmount()
    return amount.quantize(quantum(currency))


def locked_session(session_id: int) -> TillSession:
    """The session and its till, both locked until the commit (the till holds the chain's head), with
    the store and warehouse: one query. Locking the session too means a sale that waited behind its
    closing reads it closed."""
    try:
        return (TillSession.objects.select_for_update(of=("self", "till"))
                .select_related("till__store", "till__warehouse").get(pk=session_id))
    except TillSession.DoesNotExist as error:
        raise NotFound() from error


def check_selling(session: TillSession) -> None:
    """A session sells while open and younger than 24 hours."""
    if session.state != TillSession.State.OPEN:
        raise SessionClosed()
    if timezone.now() - session.opened_at > SESSION_MAX_AGE:
        raise SessionTooOld()


# --- tills --------------------------------------------------------------------------------------

def _check_till_warehouse(store: Store, warehouse: Warehouse) -> None:
    if warehouse.store_id != store.pk or warehouse.kind != Warehouse.Kind.SHOP or not warehouse.is_active:
        raise WrongWarehouse()


@transaction.atomic
def save_till(*, user, store: Store, code: str, name: str, warehouse: Warehouse, active: bool = True) -> Till:
    """Create or change the store's till `code` (stock managers and admins)."""
    require_role(user=user, store=store, roles=STOCK_ROLES)
    _check_till_warehouse(store, warehouse)
    till, _created = Till.objects.update_or_create(
        store=store, code=code, defaults={"name": name, "warehouse": warehouse, "active": active})
    return till


# --- sessions -----------------------------------------------------------------------------------

@transaction.atomic
def open_session(*, user, till: Till, opening_float: dict) -> TillSession:
    """Open the till with its float counted per denomination ({"500": 4, "1000": 10})."""
    till = chain.lock_till(till.pk)
    require_cashier(user, till.store)
    if not till.active:
        raise TillRefused()
    _check_till_warehouse(till.store, till.warehouse)
    if TillSession.objects.filter(till=till, state=TillSession.State.OPEN).exists():
        raise SessionAlreadyOpen()
    counts, total = float_total(opening_float, till.store.currency)
    return TillSession.objects.create(till=till, cashier=user, opened_at=chain.now_to_the_second(),
                                      opening_float=counts, opening_total=total)


@transaction.atomic
def move_cash(*, user, session: TillSession, direction: str, amount, reason: str) -> CashMovement:
    """Cash put into the drawer or taken out of it (a bank deposit, change fetched), with the reason."""
    session = locked_session(session.pk)
    store = session.till.store
    require_cashier(user, store)
    if session.state != TillSession.State.OPEN:
        raise SessionClosed()
    if direction not in CashMovement.Direction.values:
        raise InvalidAmount()
    if not (reason or "").strip():
        raise ReasonRequired()
    return CashMovement.objects.create(session=session, direction=direction, user=user, reason=reason.strip()[:200],
                                       amount=amount_of(amount, store.currency))


def expected_amounts(session: TillSession) -> dict[str, Decimal]:
    """What the drawer should hold per payment method: payments of its tickets (net of change, refunds
    negative), plus the float and the cash movements for cash. Two queries."""
    expected = dict(TicketPayment.objects.filter(ticket__session=session).values_list("method")
                    .annotate(total=Sum("amount")).values_list("method", "total"))
    moves = dict(CashMovement.objects.filter(session=session).values_list("direction")
                 .annotate(total=Sum("amount")).values_list("direction", "total"))
    expected[PaymentMethod.CASH] = (session.opening_total + expected.get(PaymentMethod.CASH, ZERO)
                                    + moves.get(CashMovement.Direction.IN, ZERO)
                                    - moves.get(CashMovement.Direction.OUT, ZERO))
    return expected


@transaction.atomic
def close_session(*, user, session: TillSession, counted: dict, note: str = "") -> TillSession:
    """Close with a blind count per payment method: what was expected is computed only now, and the
    difference (counted − expected) is recorded with the note, whatever it is: the count stands."""
    session = locked_session(session.pk)
    till, store = session.till, session.till.store
    require_cashier(user, store)
    if session.state != TillSession.State.OPEN:
        raise SessionClosed()
    if not isinstance(counted, dict) or any(method not in PaymentMethod.values for method in counted):
        raise UnknownMethod()
    counts = {method: amount_of(value, store.currency, allow_zero=True) for method, value in counted.items()}
    expected = expected_amounts(session)
    methods = sorted(set(counts) | set(expected))
    session.counted = {method: str(counts.get(method, ZERO)) for method in methods}
    session.expected = {method: str(expected.get(method, ZERO)) for method in methods}
    session.differences = {method: str(counts.get(method, ZERO) - expected.get(method, ZERO)) for method in methods}
    session.note, session.state = (note or "").strip(), TillSession.State.CLOSED
    session.closed_at, session.closed_by = chain.now_to_the_second(), user
    session.save(update_fields=["counted", "expected", "differences", "note", "state", "closed_at", "closed_by"])
    chain.append(till=till, store=store, kind=ChainRecord.Kind.SESSION_CLOSING, object_id=session.pk,
                 data=chain.session_data(session, store.currency), at=session.closed_at)
    return session


# --- duplicates ---------------------------------------------------------------------------------

@transaction.atomic
def print_duplicate(*, user, ticket: Ticket) -> Duplicate:
    """A reprint of a ticket: numbered per ticket ("DUPLICATA n°2") and chained."""
    till = chain.lock_till(ticket.till_id)
    store = till.store
    require_cashier(user, store)
    ticket = Ticket.objects.get(pk=ticket.pk)
    number = Duplicate.objects.filter(ticket=ticket).count() + 1
    duplicate = Duplicate.objects.create(ticket=ticket, number=number, user=user, created_at=chain.now_to_the_second())
    reference = ticket_reference(till.code, ticket.number)
    chain.append(till=till, store=store, kind=ChainRecord.Kind.DUPLICATE, object_id=duplicate.pk,
                 data=chain.duplicate_data(duplicate, reference), at=duplicate.created_at)
    return duplicate


# --- demo rebuilds ------------------------------------------------------------------------------

@transaction.atomic
def delete_store_pos(*, store: Store) -> None:
    """Delete everything the till holds for `store`, chain included: only for rebuilding demo data.

    The records are append-only; their triggers are suspended inside this transaction only."""
    tills = Till.objects.filter(store=store)
    with triggers.suspended(connection):
        MobilePaymentRequest.objects.filter(store=store).delete()
        ChainRecord.objects.filter(till__in=tills).delete()
        Closure.objects.filter(till__in=tills).delete()
        Duplicate.objects.filter(ticket__store=store).delete()
        TicketInvoice.objects.filter(ticket__store=store).delete()
        TicketPayment.objects.filter(ticket__store=store).delete()
        TicketLine.objects.filter(ticket__store=store, refunded_line__isnull=False).delete()
        TicketLine.objects.filter(ticket__store=store).delete()
        Ticket.objects.filter(store=store, refunds__isnull=False).delete()
        Ticket.objects.filter(store=store).delete()
        CashMovement.objects.filter(session__till__in=tills).delete()
        TillSession.objects.filter(till__in=tills).delete()
        tills.delete()
