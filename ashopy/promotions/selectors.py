"""Reads of promotions and codes shared by the back office and the staff API: one status rule, one search.

A promotion's or a code's status is read from its flag and its dates against now: inactive (switched
off), scheduled (starts later), expired (ended), else active. Dates are instants, so the rule is the
same in every time zone; pages show and take them in the store's.

The usage report counts a code's redemptions (held: the order is placed, not paid yet; confirmed:
paid) and their discount; revenue is the total of those orders, read from the orders queryset the
caller passes in — the orders app sits above this one, so it is never imported here.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ashopy.catalog.models import Category, Product, Variant
from ashopy.core.money import ZERO, round_money
from ashopy.pricing.hooks import Offer
from ashopy.stores.models import Store

from .models import PromoCode, Promotion, Redemption

STATUSES = {"active": _("Active"), "scheduled": _("Scheduled"), "expired": _("Expired"),
            "inactive": _("Inactive")}
PREVIEW_ROWS = 20


def status_q(status: str, now=None) -> Q:
    """The rows of `status`, as a filter over `is_active`, `starts_at` and `ends_at`."""
    now = now or timezone.now()
    started = Q(starts_at__isnull=True) | Q(starts_at__lte=now)
    running = Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    return {"active": Q(is_active=True) & started & running,
            "scheduled": Q(is_active=True, starts_at__gt=now),
            "expired": Q(is_active=True, ends_at__lte=now),
            "inactive": Q(is_active=False)}[status]


def status_of(item, now=None) -> str:
    """The status of one promotion or code (same rule as `status_q`)."""
    now = now or timezone.now()
    if not item.is_active:
        return "inactive"
    if item.starts_at and item.starts_at > now:
        return "scheduled"
    if item.ends_at and item.ends_at <= now:
        return "expired"
    return "active"


def _count(through, column: str) -> Subquery:
    rows = through.objects.filter(**{column: OuterRef("pk")}).order_by().values(column)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0)


def promotions(*, store: Store, status: str = "", q: str = "") -> QuerySet[Promotion]:
    """The store's promotions, highest priority first, with their scope's size (one query)."""
    rows = Promotion.objects.for_store(store)
    if status:
        rows = rows.filter(status_q(status))
    if q:
        rows = rows.filter(name__icontains=q)
    annotations = {f"{name}_count": _count(getattr(Promotion, name).through, "promotion_id")
                   for name in ("products", "variants", "categories", "brands")}
    return rows.annotate(**annotations).order_by("-priority", "-id")


def _uses(state: str) -> Subquery:
    rows = (Redemption.objects.filter(code=OuterRef("pk"), state=state).order_by().values("code")
            .annotate(n=Count("pk")).values("n")[:1])
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def promo_codes(*, store: Store, status: str = "", q: str = "", batch: str = "") -> QuerySet[PromoCode]:
    """The store's codes, newest first, with their held and confirmed uses (one query)."""
    rows = PromoCode.objects.for_store(store)
    if status:
        rows = rows.filter(status_q(status))
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(description__icontains=q))
    if batch:
        rows = rows.filter(batch=batch)
    return rows.annotate(held_uses=_uses(Redemption.State.HELD),
                         confirmed_uses=_uses(Redemption.State.CONFIRMED)).order_by("-created_at", "-id")


def batch_codes(*, store: Store, batch: str) -> QuerySet[PromoCode]:
    """A generated batch's codes, in code order (the CSV's rows)."""
    return PromoCode.objects.for_store(store).filter(batch=batch).exclude(batch="").order_by("code")


# --- scope and preview -----------------------------------------------------------------------------


def scope_variants(*, store: Store, products=(), variants=(), categories=(), brands=()) -> QuerySet[Variant]:
    """The store's active variants a promotion with this scope reaches; categories with their sub-categories."""
    reach = Q(pk__in=[item.pk for item in variants]) | Q(product__in=[item.pk for item in products])
    reach |= Q(product__brand__in=[item.pk for item in brands])
    for category in categories:
        reach |= Q(product__category__path__startswith=category.path)
    return (Variant.objects.filter(store=store, active=True).filter(reach)
            .select_related("product").order_by("product__name", "position", "id"))


def promotion_variants(promotion: Promotion) -> QuerySet[Variant]:
    return scope_variants(store=promotion.store, products=promotion.products.all(),
                          variants=promotion.variants.all(), categories=promotion.categories.all(),
                          brands=promotion.brands.all())


def scope_products(variants: QuerySet[Variant]) -> QuerySet[Product]:
    """The products of those variants (the count a page shows)."""
    return Product.objects.non_polymorphic().filter(pk__in=variants.values("product_id"))


def promoted_price(price: Decimal, *, kind: str, value: Decimal, currency: str) -> Decimal:
    """What `price` becomes under a promotion of `kind` and `value`: the resolver's own offer computes it."""
    return price - Offer(promotion_id=0, label="", kind=kind, value=value).amount_off(price, currency)


@dataclass(frozen=True)
class PreviewRow:
    variant: Variant
    current: Decimal
    promoted: Decimal


@dataclass(frozen=True)
class Preview:
    product_count: int
    variant_count: int
    rows: list[PreviewRow]


def preview(*, store: Store, variants: QuerySet[Variant], kind: str, value: Decimal | None) -> Preview:
    """The products a promotion reaches and, for the first 20 variants, their catalogue price (the sale price
    when lower) and that price under this promotion's kind and value, as the resolver's offer computes it (a
    visitor's price: no partner or segment discount, no other promotion)."""
    rows = []
    for variant in variants[:PREVIEW_ROWS]:
        base = round_money(variant.price, store.currency)
        sale = round_money(variant.sale_price, store.currency) if variant.sale_price is not None else None
        before = sale if sale is not None and sale < base else base
        after = promoted_price(before, kind=kind, value=value, currency=store.currency) if value is not None \
            else before
        rows.append(PreviewRow(variant, before, after))
    return Preview(product_count=scope_products(variants).count(), variant_count=variants.count(), rows=rows)


# --- usage ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    held: int
    confirmed: int
    released: int
    discount_held: Decimal
    discount_confirmed: Decimal
    revenue_held: Decimal
    revenue_confirmed: Decimal
    at_till: int = 0  # of the confirmed uses, those of till tickets (their revenue is the till's, not counted)

    @property
    def uses(self) -> int:
        """The uses that count against the code's limit."""
        return self.held + self.confirmed


def code_redemptions(code: PromoCode) -> QuerySet[Redemption]:
    """The code's uses, newest first."""
    return code.redemptions.select_related("customer").order_by("-created_at", "-id")


def usage(*, code: PromoCode, orders: QuerySet) -> Usage:
    """Uses, discount given and orders' revenue (their totals) per state, in two queries. Till tickets'
    uses are counted with the confirmed ones (a till sale is paid), and apart in `at_till`.

    `orders` is the store's orders queryset (the caller's): revenue sums the `total` of the orders whose
    redemption is held or confirmed.
    """
    money = DecimalField(max_digits=14, decimal_places=2)
    by_state = {row["state"]: row for row in code.redemptions.order_by().values("state").annotate(
        n=Count("pk"), at_till=Count("pk", filter=Q(ticket_id__isnull=False)),
        discount_given=Coalesce(Sum("discount"), Value(ZERO), output_field=money))}
    revenue = orders.filter(store=code.store).aggregate(**{
        state: Coalesce(Sum("total", filter=Q(pk__in=Redemption.objects.filter(code=code, state=state)
                                                 .values("order_id"))), Value(ZERO), output_field=money)
        for state in (Redemption.State.HELD, Redemption.State.CONFIRMED)})

    def of(state, key):
        return by_state.get(state, {}).get(key, 0 if key == "n" else ZERO)

    return Usage(held=of("held", "n"), confirmed=of("confirmed", "n"), released=of("released", "n"),
                 discount_held=of("held", "discount_given"), discount_confirmed=of("confirmed", "discount_given"),
                 revenue_held=revenue["held"], revenue_confirmed=revenue["confirmed"],
                 at_till=sum(row["at_till"] for row in by_state.values()))


def categories_for(store: Store) -> QuerySet[Category]:
    """The store's categories in tree order (the scope pickers' choices)."""
    return Category.objects.for_store(store).order_by("path")

