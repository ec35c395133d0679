"""Cart use cases. Every change checks the stock the store can sell now and says what it did,
in the words the customer reads (a `Notice` for the messages framework or the API).

The cart itself reserves nothing: a unit is held only when the customer proceeds to payment
(checkout). So quantities are capped by what is available at the time of each change, and the
cart is re-validated every time it is shown and once more before payment. What the cart's own
pending orders hold counts as available to it (`selectors.own_holds`): a customer who looks at
the cart while paying, or tries again, does not lose the lines.
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ashopy.catalog import rules
from ashopy.catalog.availability import with_stock
from ashopy.catalog.models import Product, Variant
from ashopy.core.rows import Columns, fetch
from ashopy.inventory import reservations
from ashopy.inventory.services import check_quantity
from ashopy.pricing.purchase import Code, PurchasePolicy, Verdict
from ashopy.pricing.purchase import label as product_label
from ashopy.pricing.resolver import PricingPolicy
from ashopy.promotions import codes
from ashopy.promotions.errors import CodeNotForCart
from ashopy.stores.models import Store

from . import selectors, totals
from .errors import EmptyCart, OutOfStock, PreorderFull, UnknownLine, UnknownVariant
from .models import Cart, CartLine


@dataclass(frozen=True)
class Notice:
    level: str  # "success", "info" or "warning" (the messages framework's tags)
    message: str


def _unique_notice(label: str) -> Notice:
    return Notice("warning", _("“{product}” is unique: one at most in the cart.").format(product=label))


def sellable_variants(store: Store, variant_ids) -> dict[int, Variant]:
    """Active variants of published products of `store`, annotated with `available` units."""
    variants = with_stock(Variant.objects.filter(store=store, pk__in=variant_ids, active=True,
                                                 product__status=Product.Status.PUBLISHED)
                          .select_related("product"))
    return {variant.pk: variant for variant in variants}


def _sellable(store: Store, variant_id) -> Variant:
    try:
        variant = sellable_variants(store, [int(variant_id)]).get(int(variant_id))
    except (TypeError, ValueError):
        variant = None
    if variant is None:
        raise UnknownVariant()
    return variant


_CART = Columns(Cart, "cart")


def _customer_cart(store: Store, user) -> Cart | None:
    """Written in SQL: every request of a signed-in customer's cart and checkout reads it (core/rows.py)."""
    rows = fetch(f"SELECT {_CART.sql} FROM {Cart._meta.db_table} cart "  # noqa: S608
                 "WHERE cart.store_id = %s AND cart.user_id = %s", [store.pk, user.pk])
    return _CART.instance(rows[0]) if rows else None


def get_cart(*, store: Store, user=None, cart_id=None, token=None, create: bool = False) -> Cart | None:
    """The customer's cart in `store`, else the visitor's (by session id or API token)."""
    if user is not None and user.is_authenticated:
        if create:
            return Cart.objects.get_or_create(store=store, user=user)[0]
        return _customer_cart(store, user)
    cart = None
    if cart_id is not None:
        cart = Cart.objects.filter(store=store, user=None, pk=cart_id).first()
    elif token is not None:
        cart = Cart.objects.filter(store=store, user=None, token=token).first()
    if cart is None and create:
        cart = Cart.objects.create(store=store)
    return cart


def _policy(cart: Cart, policy: PurchasePolicy | None) -> PurchasePolicy:
    """The request's policy when the caller has one; availability does not depend on the customer."""
    return policy if policy is not None else PurchasePolicy(cart.store)


def _preorder_note(verdict: Verdict, label: str) -> str:
    if not verdict.preorder_quantity:
        return ""
    if verdict.expected_on is None:
        return ngettext("{n} unit of “{product}” is on pre-order.", "{n} units of “{product}” are on pre-order.",
                        verdict.preorder_quantity).format(n=verdict.preorder_quantity, product=label)
    return ngettext("{n} unit of “{product}” is on pre-order: shipping expected on {date}.",
                    "{n} units of “{product}” are on pre-order: shipping expected on {date}.",
                    verdict.preorder_quantity).format(n=verdict.preorder_quantity, product=label,
                                                      date=date_format(verdict.expected_on))


def _capped(label: str, verdict: Verdict, n: int) -> Notice:
    """The notice for a quantity brought down to `n` (> 0) by the policy."""
    if verdict.code == Code.UNIQUE:
        return _unique_notice(label)
    if verdict.code == Code.PREORDER_LIMIT:
        return Notice("warning", verdict.reason)
    return Notice("warning", _("Quantity of “{product}” adjusted to {n} (limited stock).").format(product=label, n=n))


@transaction.atomic
def add(*, cart: Cart, variant_id, quantity, policy: PurchasePolicy | None = None) -> Notice:
    """Add units of a variant, as far as the purchase policy permits: the stock the store can sell now,
    the units that may still be pre-ordered, one at most of a unique item.

    When only part fits, the part is added and the customer is told; when nothing fits,
    OutOfStock (or PreorderFull) is raised and the cart is unchanged (a unique item already in the
    cart is only told).
    """
    quantity = check_quantity(quantity)
    policy = _policy(cart, policy)
    variant = _sellable(cart.store, variant_id)
    label = product_label(variant)
    line = CartLine.objects.select_for_update().filter(cart=cart, variant=variant).first()
    current = line.quantity if line else 0
    wanted = current + quantity
    variant.available = _available_to(cart, variant.pk, variant.available, wanted=wanted)
    verdict = policy.is_purchase_permitted(variant, wanted)
    target = check_quantity(min(wanted, verdict.max_quantity), allow_zero=True)
    if target <= current:
        if verdict.code == Code.UNIQUE and current >= rules.UNIQUE_MAX:
            return _unique_notice(label)
        if verdict.code == Code.PREORDER_LIMIT:
            raise PreorderFull(product=label)
        raise OutOfStock(product=label)
    if line is None:
        CartLine.objects.create(cart=cart, variant=variant, quantity=target)
    else:
        CartLine.objects.filter(pk=line.pk).update(quantity=target)
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    if not verdict.allowed and verdict.code == Code.UNIQUE:
        return _unique_notice(label)
    if not verdict.allowed:
        return Notice("warning", verdict.reason if verdict.code == Code.PREORDER_LIMIT else
                      _("Cannot add more of “{product}” to the cart: not enough stock.").format(product=label))
    added = _("“{product}” has been added to your cart.").format(product=label)
    preorder = _preorder_note(verdict, label)
    return Notice("success", f"{added} {preorder}" if preorder else added)


def _available_to(cart: Cart, variant_id: int, free: int, *, wanted: int) -> int:
    """The units of a variant `cart` may have: the free ones, and when `wanted` is more, those its own
    pending orders hold."""
    return free if wanted <= free else free + selectors.own_holds(cart).get(variant_id, 0)


def _line(cart: Cart, line_id) -> CartLine:
    try:
        return CartLine.objects.select_for_update().select_related("variant__product").get(cart=cart, pk=int(line_id))
    except (CartLine.DoesNotExist, TypeError, ValueError):
        raise UnknownLine() from None


@transaction.atomic
def set_quantity(*, cart: Cart, line_id, quantity, policy: PurchasePolicy | None = None) -> Notice:
    """Change a line's quantity (0 removes it); above what the purchase policy permits, it is adjusted down."""
    quantity = check_quantity(quantity, allow_zero=True)
    line = _line(cart, line_id)
    if quantity == 0:
        return _delete(line)
    label = product_label(line.variant)
    variant = sellable_variants(cart.store, [line.variant_id]).get(line.variant_id)
    if variant is None:
        line.delete()
        return Notice("warning", _("“{product}” removed from the cart (no longer sold).").format(product=label))
    variant.available = _available_to(cart, line.variant_id, variant.available, wanted=quantity)
    verdict = _policy(cart, policy).is_purchase_permitted(variant, quantity)
    if verdict.max_quantity <= 0:
        line.delete()
        return Notice("warning", _("“{product}” removed from the cart (out of stock).").format(product=label))
    if not verdict.allowed:
        CartLine.objects.filter(pk=line.pk).update(quantity=verdict.max_quantity)
        return _capped(label, verdict, verdict.max_quantity)
    CartLine.objects.filter(pk=line.pk).update(quantity=quantity)
    updated = _("Quantity updated for “{product}”.").format(product=label)
    preorder = _preorder_note(verdict, label)
    return Notice("success", f"{updated} {preorder}" if preorder else updated)


def _delete(line: CartLine) -> Notice:
    line.delete()
    return Notice("success", _("“{product}” removed from your cart.").format(product=product_label(line.variant)))


@transaction.atomic
def remove(*, cart: Cart, line_id) -> Notice:
    return _delete(_line(cart, line_id))


def _changes(policy: PurchasePolicy, lines: list[CartLine]) -> list[tuple[CartLine, int, Notice]]:
    """What bringing `lines` (from `selectors.lines_of`) within what the policy permits now would change:
    (line, its new quantity — 0 removes it, the notice for the customer)."""
    changes = []
    for line in lines:
        label = product_label(line.variant)
        verdict = policy.is_purchase_permitted(line.variant, line.quantity)
        if verdict.allowed:
            continue
        if verdict.code == Code.NOT_SOLD:
            changes.append((line, 0, Notice("warning", _("“{product}” removed from the cart (no longer sold).").format(
                product=label))))
        elif verdict.max_quantity <= 0:
            changes.append((line, 0, Notice("warning", _("“{product}” removed from the cart (out of stock).").format(
                product=label))))
        else:
            changes.append((line, verdict.max_quantity, _capped(label, verdict, verdict.max_quantity)))
    return changes


def problems(*, cart: Cart, lines: list[CartLine], policy: PurchasePolicy | None = None) -> list[Notice]:
    """What `revalidate` would change in these lines (read by `selectors.lines_of`), without changing it."""
    return [notice for _line, _quantity, notice in _changes(_policy(cart, policy), lines)]


def refresh(*, cart: Cart, policy: PurchasePolicy | None = None) -> list[Notice]:
    """The cart as it is shown (web and API): holds that lapsed on its short lines are released first
    (Celery beat releases the others every minute), then every line is brought within the stock."""
    policy = _policy(cart, policy)
    short = [line.variant_id for line, quantity, _notice in _changes(policy, selectors.lines_of(cart))
             if quantity < line.quantity]
    if short:
        reservations.expire_reservations(variant_ids=short)
    return revalidate(cart=cart, policy=policy)


@transaction.atomic
def revalidate(*, cart: Cart, policy: PurchasePolicy | None = None) -> list[Notice]:
    """Bring every line within what the purchase policy permits now; say what changed.

    Out-of-stock and no-longer-sold lines are removed, lines above what may be bought adjusted.
    """
    changes = _changes(_policy(cart, policy), selectors.lines_of(cart, lock=True))
    gone = [line.pk for line, quantity, _notice in changes if quantity == 0]
    for line, quantity, _notice in changes:
        if quantity:
            CartLine.objects.filter(pk=line.pk).update(quantity=quantity)
    if gone:
        CartLine.objects.filter(pk__in=gone).delete()
    return [notice for _line, _quantity, notice in changes]


@transaction.atomic
def merge(*, source: Cart, into: Cart, policy: PurchasePolicy | None = None) -> list[Notice]:
    """At login: the visitor's lines join the customer's cart, quantities summed and capped by the purchase
    policy."""
    if source.pk == into.pk or source.store_id != into.store_id:
        return []
    incoming = list(CartLine.objects.filter(cart=source).select_related("variant__product"))
    if not incoming:
        source.delete()
        return []
    policy = _policy(into, policy)
    existing = {line.variant_id: line for line in CartLine.objects.select_for_update().filter(cart=into)}
    sellable = sellable_variants(into.store, [line.variant_id for line in incoming])
    notices = []
    for line in incoming:
        variant = sellable.get(line.variant_id)
        mine = existing.get(line.variant_id)
        current = mine.quantity if mine else 0
        wanted = current + line.quantity
        target = 0
        if variant is not None:
            variant.available = _available_to(into, line.variant_id, variant.available, wanted=wanted)
            verdict = policy.is_purchase_permitted(variant, wanted)
            target = min(wanted, verdict.max_quantity)
        if target < wanted:
            label = product_label(line.variant)
            if target:
                notices.append(_capped(label, verdict, target))
            else:
                notices.append(Notice("warning", _("“{product}” removed from the cart (out of stock).").format(
                    product=label)))
        if target == current:
            continue
        if mine is None:
            CartLine.objects.create(cart=into, variant_id=line.variant_id, quantity=target)
        elif target == 0:
            mine.delete()
        else:
            CartLine.objects.filter(pk=mine.pk).update(quantity=target)
    source.delete()
    notices.insert(0, Notice("info", _("The items of your previous cart were added to this one.")))
    return notices


@transaction.atomic
def apply_code(*, cart: Cart, code, user, policy: PricingPolicy) -> Notice:
    """Put a promo code on the cart once it is found valid for it and for `user` (CodeRefused says why not).

    Its uses are counted now for the customer's information; they are counted again, the code
    locked, when the order is placed.
    """
    found = codes.find(store=cart.store, code=code)
    found.store = cart.store
    lines = totals.price_lines(policy, ((line.pk, line.variant, line.quantity) for line in selectors.lines_of(cart)))
    if not lines:
        raise EmptyCart()
    codes.check(found, user=user, goods=sum((line.price.amount for line in lines), totals.ZERO))
    offer = codes.offer(found)
    if found.kind in codes.ITEM_KINDS and not any(offer.covers(line.variant) for line in lines):
        raise CodeNotForCart(code=found.code)
    Cart.objects.filter(pk=cart.pk).update(promo_code=found, updated_at=timezone.now())
    cart.promo_code = found
    return Notice("success", _("The code “{code}” is applied.").format(code=found.code))


@transaction.atomic
def remove_code(*, cart: Cart) -> Notice:
    """Take the promo code off the cart (nothing happens when it has none)."""
    Cart.objects.filter(pk=cart.pk).update(promo_code=None, updated_at=timezone.now())
    cart.promo_code = None
    return Notice("success", _("The promo code was removed."))


def take_ordered(*, cart_id: int, quantities: dict[int, int]) -> None:
    """An order from this cart is confirmed: its quantities (per variant) leave the cart.

    One statement when the cart still holds what was ordered (lines added since stay).
    """
    if not quantities:
        return
    taken = reduce(operator.or_, (Q(variant_id=variant_id, quantity__lte=quantity)
                                  for variant_id, quantity in quantities.items()))
    removed, _ = CartLine.objects.filter(taken, cart_id=cart_id).delete()
    if removed == len(quantities):
        return
    for line_id, variant_id, quantity in CartLine.objects.filter(cart_id=cart_id, variant_id__in=list(quantities)
                                                                 ).values_list("pk", "variant_id", "quantity"):
        CartLine.objects.filter(pk=line_id).update(quantity=quantity - quantities[variant_id])
