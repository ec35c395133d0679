"""Promo codes: finding one, checking it for a cart and a customer, and counting its uses.

A code is checked when it is applied to a cart, each time the cart is priced, and once more at
"Procéder au paiement" (checkout), where its use is *held* in the order's transaction with the
code's row locked (`hold`): the uses are counted after the lock, so two checkouts never both
take the last one. The use is *confirmed* when the order is paid and *released* when it is not
(the orders app calls `confirm` / `release` from its events; both are idempotent). A till sale is
paid when it is recorded: its use is counted with the same lock and limits, confirmed at once (`redeem`).

"First order only" asks whether the customer has a paid order: the orders app, above this one,
answers through `register_paid_orders` (as it tells the cart about its holds).
"""

import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format

from ashopy.accounts.selectors import effective_segment
from ashopy.catalog.models import Category
from ashopy.core.money import ZERO, format_money
from ashopy.stores.selectors import staff_role

from .errors import (
    CodeAlreadyUsed,
    CodeLimitReached,
    CodeNotForAccount,
    CodeNotYetValid,
    ExpiredCode,
    InactiveCode,
    MinimumNotReached,
    NoCodeToApply,
    UnknownCode,
)
from .models import PromoCode, Redemption

LIVE = (Redemption.State.HELD, Redemption.State.CONFIRMED)
ITEM_KINDS = (PromoCode.Kind.ITEMS_PERCENT, PromoCode.Kind.ITEMS_AMOUNT)
ORDER_KINDS = (PromoCode.Kind.ORDER_PERCENT, PromoCode.Kind.ORDER_AMOUNT)

_paid_orders: Callable[..., bool] | None = None


def register_paid_orders(source: Callable[..., bool]) -> None:
    """`source(store=, customer=, email=)`: True when that customer (or e-mail) has a paid order in the store."""
    global _paid_orders
    _paid_orders = source


def normalized(raw) -> str:
    """Codes are stored in upper case; customers type them in any case, with stray spaces."""
    return str(raw or "").strip().upper()[:40]


def find(*, store, code) -> PromoCode:
    """The store's code typed by a customer, or UnknownCode."""
    text = normalized(code)
    if not text:
        raise NoCodeToApply()
    found = PromoCode.objects.filter(store=store, code=text).first()
    if found is None:
        raise UnknownCode(code=text)
    return found


@dataclass(frozen=True)
class Offer:
    """A code with what it covers: the products of a line-level code (its categories' sub-categories too)."""

    code: PromoCode
    product_ids: frozenset[int] = frozenset()
    category_ids: frozenset[int] = frozenset()

    @property
    def label(self) -> str:
        return self.code.code

    def covers(self, variant) -> bool:
        if self.code.kind not in ITEM_KINDS:
            return False
        product = variant.product
        return product.pk in self.product_ids or product.category_id in self.category_ids


def offer(code: PromoCode) -> Offer:
    """The code ready for pricing; a line-level code reads its products and categories (two queries)."""
    if code.kind not in ITEM_KINDS:
        return Offer(code)
    product_ids = frozenset(code.products.values_list("pk", flat=True))
    paths = list(code.categories.values_list("path", flat=True))
    category_ids = frozenset(Category.objects.filter(
        reduce(operator.or_, (Q(path__startswith=path) for path in paths))).values_list("pk", flat=True)
    ) if paths else frozenset()
    return Offer(code, product_ids, category_ids)


def _is_customer(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def check(code: PromoCode, *, user, goods: Decimal, email: str = "", count_uses: bool = True, now=None) -> None:
    """Raise the first reason `code` cannot be used by `user` (or the guest `email`) on goods worth `goods`
    (the store's tax basis, after catalogue discounts). `count_uses=False` leaves the uses to `hold`."""
    store = code.store
    now = now or timezone.now()
    if not code.is_active:
        raise InactiveCode(code=code.code)
    if code.ends_at is not None and now >= code.ends_at:
        raise ExpiredCode(code=code.code)
    if code.starts_at is not None and now < code.starts_at:
        raise CodeNotYetValid(code=code.code, date=date_format(timezone.localtime(code.starts_at),
                                                              "SHORT_DATETIME_FORMAT"))
    customer = user if _is_customer(user) else None
    if code.staff_only and (customer is None or staff_role(customer, store) is None):
        raise CodeNotForAccount(code=code.code)
    if code.segments and effective_segment(store=store, user=customer) not in code.segments:
        raise CodeNotForAccount(code=code.code)
    email = email or (customer.email if customer is not None else "")
    if code.first_order_only:
        if customer is None and not email:
            raise CodeNotForAccount(code=code.code)
        if _paid_orders is not None and _paid_orders(store=store, customer=customer, email=email):
            raise CodeNotForAccount(code=code.code)
    if goods < code.minimum_amount:
        raise MinimumNotReached(code=code.code, minimum=format_money(code.minimum_amount, store.currency),
                                missing=format_money(code.minimum_amount - goods, store.currency))
    if count_uses and (code.max_uses is not None or code.max_uses_per_customer is not None):
        _check_uses(code, code.max_uses, code.max_uses_per_customer, *uses(code, customer=customer, email=email))


def uses(code: PromoCode, *, customer=None, email: str = "") -> tuple[int, int]:
    """(live uses of the code, live uses by this customer or e-mail), in one query."""
    mine = Q(pk__in=[])
    if customer is not None:
        mine |= Q(customer=customer)
    if email:
        mine |= Q(email__iexact=email)
    counts = Redemption.objects.filter(code=code, state__in=LIVE).aggregate(
        total=Count("pk"), mine=Count("pk", filter=mine))
    return counts["total"], counts["mine"]


def _check_uses(code: PromoCode, max_uses, max_per_customer, total: int, mine: int) -> None:
    if max_per_customer is not None and mine >= max_per_customer:
        raise CodeAlreadyUsed(code=code.code)
    if max_uses is not None and total >= max_uses:
        raise CodeLimitReached(code=code.code)


def hold(*, code: PromoCode, order_id: int, customer, email: str, discount: Decimal) -> None:
    """Count one use of `code` by the order being placed, in the caller's transaction (the order's).

    A limited code's row is locked first, so that the uses counted next include those of every
    checkout that locked it before; the count and the insert are one statement, refused (no row)
    when a limit is reached, and the limits are read from the locked row (staff may have changed
    them). An unlimited code is neither locked nor counted.
    """
    _count_use(code=code, customer=customer, email=email, discount=discount, order_id=order_id,
               state=Redemption.State.HELD)


def lock(code: PromoCode) -> None:
    """Lock a limited code's row now, before the caller locks other rows (stock): `redeem` then counts under
    it. The till takes the code before the stock, as the checkout does, so that the two never deadlock."""
    if code.max_uses is not None or code.max_uses_per_customer is not None:
        list(PromoCode.objects.select_for_update().filter(pk=code.pk).values_list("pk"))


def redeem(*, code: PromoCode, ticket_id: int, customer, email: str, discount: Decimal) -> None:
    """Count one use of `code` by a till ticket, confirmed at once (the sale is paid), in the ticket's
    transaction, under the code's row lock and with the limits `hold` applies. A refund does not give it back."""
    _count_use(code=code, customer=customer, email=email, discount=discount, ticket_id=ticket_id,
               state=Redemption.State.CONFIRMED)


def _count_use(*, code: PromoCode, customer, email: str, discount: Decimal, state: str, order_id: int | None = None,
               ticket_id: int | None = None) -> None:
    customer = customer if _is_customer(customer) else None
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = [code.store_id, code.pk, order_id, ticket_id, customer.pk if customer is not None else None, email,
              state, connection.ops.adapt_decimalfield_value(max(discount, ZERO), 14, 2), now,
              now if state == Redemption.State.CONFIRMED else None]
    if code.max_uses is None and code.max_uses_per_customer is None:
        _insert(values, "")
        return
    limits = list(PromoCode.objects.select_for_update().filter(pk=code.pk)
                  .values_list("max_uses", "max_uses_per_customer", "is_active"))
    if not limits or not limits[0][2]:
        raise InactiveCode(code=code.code)
    max_uses, max_per_customer, _active = limits[0]
    live = f"code_id = %s AND state IN ('{Redemption.State.HELD}', '{Redemption.State.CONFIRMED}')"
    table = Redemption._meta.db_table
    condition = (f" WHERE (CAST(%s AS INTEGER) IS NULL OR (SELECT COUNT(*) FROM {table} WHERE {live}) < %s)"  # noqa: S608
                 f" AND (CAST(%s AS INTEGER) IS NULL OR (SELECT COUNT(*) FROM {table} WHERE {live}"
                 f" AND (customer_id = %s OR UPPER(email) = UPPER(%s))) < %s)")
    params = [max_uses, code.pk, max_uses, max_per_customer, code.pk, values[4], email, max_per_customer]
    if not _insert(values, condition, params):
        _check_uses(code, max_uses, max_per_customer, *uses(code, customer=customer, email=email))
        raise CodeLimitReached(code=code.code)


def _insert(values: list, condition: str, params: tuple | list = ()) -> bool:
    """INSERT … SELECT the redemption's `values` `condition` holds: True when the row was written."""
    columns = "store_id, code_id, order_id, ticket_id, customer_id, email, state, discount, created_at, confirmed_at"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {Redemption._meta.db_table} ({columns}) "
                       f"SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s{condition}", [*values, *params])
        return cursor.rowcount == 1


def confirm(*, order_id: int) -> int:
    """The order was paid: its use counts for good. Idempotent (a replayed notification changes nothing);
    a use released because the order lapsed before its late payment is confirmed again, as the customer
    paid the discounted total."""
    return (Redemption.objects.filter(order_id=order_id).exclude(state=Redemption.State.CONFIRMED)
            .update(state=Redemption.State.CONFIRMED, confirmed_at=timezone.now()))


def release(*, order_id: int) -> int:
    """The order will not be paid (cancelled, expired, payment failed): its held use is given back."""
    return (Redemption.objects.filter(order_id=order_id, state=Redemption.State.HELD)
            .update(state=Redemption.State.RELEASED, released_at=timezone.now()))
