"""Catalogue promotions in the price resolver: the adjuster registered with `pricing.hooks`.

A store's promotions that run now or will (active, not ended) are loaded once per process and
kept in a `VersionedMemo`, bumped by `signals` when a promotion, its scope or the category tree
changes. Which of them run is decided at price time against `timezone.now()`, so a promotion
starting or ending changes prices at that minute, without a deploy or a cache clear.

Scope: the variants, products, categories (with every sub-category: the tree's materialised
paths are expanded when loading) and brands chosen; a promotion whose scope is empty applies to
nothing. Audience: everyone; customers whose *effective* segment (verified by the shop) is one
of the promotion's segments (no segment chosen: any verified segment); partners, those chosen
(none chosen: every partner of the store). Partner and segment of a customer come from the
resolver's `PriceContext`.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from ashopy.catalog.models import Category
from ashopy.core.cache import VersionedMemo
from ashopy.pricing.hooks import Offer, OfferSource, PriceContext

from .models import Promotion

SCOPE_FIELDS = ("products", "variants", "categories", "brands", "partners")


@dataclass(frozen=True)
class ScheduledPromotion:
    """A promotion as the resolver needs it, read from memory for each variant priced."""

    offer: Offer
    starts_at: datetime | None
    ends_at: datetime | None
    audience: str
    segments: frozenset[str]
    partner_ids: frozenset[int]
    product_ids: frozenset[int]
    variant_ids: frozenset[int]
    category_ids: frozenset[int]  # the chosen categories and all their sub-categories
    brand_ids: frozenset[int]

    def runs_at(self, moment: datetime) -> bool:
        return ((self.starts_at is None or self.starts_at <= moment)
                and (self.ends_at is None or moment < self.ends_at))

    def reaches(self, context: PriceContext) -> bool:
        if self.audience == Promotion.Audience.EVERYONE:
            return True
        customer = context.customer
        if self.audience == Promotion.Audience.SEGMENTS:
            return bool(context.segment) and (not self.segments or context.segment in self.segments)
        if customer is None or not customer.partner_id:
            return False
        if self.partner_ids:
            return customer.partner_id in self.partner_ids
        return customer.partner.store_id == context.store.pk

    @property
    def needs_product(self) -> bool:
        return bool(self.category_ids or self.brand_ids)

    def covers(self, variant, product) -> bool:
        """`product` is the variant's product, or None when no live promotion scopes categories or brands."""
        return (variant.pk in self.variant_ids or variant.product_id in self.product_ids
                or (product is not None and (product.category_id in self.category_ids
                                             or (product.brand_id is not None and product.brand_id in self.brand_ids))))


def _scopes(promotion_ids: list[int]) -> dict[str, dict[int, set[int]]]:
    """{field: {promotion id: ids chosen}} for each many-to-many scope field, one query per field."""
    scopes = {}
    for name in SCOPE_FIELDS:
        field = Promotion._meta.get_field(name)
        through = field.remote_field.through
        chosen = defaultdict(set)
        rows = through.objects.filter(**{f"{field.m2m_field_name()}_id__in": promotion_ids}).values_list(
            f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id")
        for promotion_id, target_id in rows:
            chosen[promotion_id].add(target_id)
        scopes[name] = chosen
    return scopes


def _with_subcategories(store_id: int, chosen: dict[int, set[int]]) -> dict[int, frozenset[int]]:
    """Each promotion's categories with all their descendants (treebeard's paths are prefixes)."""
    ids = set().union(*chosen.values()) if chosen else set()
    if not ids:
        return {}
    paths = dict(Category.objects.filter(store_id=store_id, pk__in=ids).values_list("pk", "path"))
    prefixes = Q()
    for path in set(paths.values()):
        prefixes |= Q(path__startswith=path)
    tree = list(Category.objects.filter(prefixes, store_id=store_id).values_list("pk", "path"))
    return {promotion_id: frozenset(pk for pk, path in tree
                                    if any(path.startswith(paths[chosen_id]) for chosen_id in category_ids
                                           if chosen_id in paths))
            for promotion_id, category_ids in chosen.items()}


def _load(store_id: int) -> tuple[ScheduledPromotion, ...]:
    promotions = list(Promotion.objects.filter(store_id=store_id, is_active=True)
                      .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=timezone.now())))
    if not promotions:
        return ()
    scopes = _scopes([promotion.pk for promotion in promotions])
    categories = _with_subcategories(store_id, scopes["categories"])
    empty = frozenset()
    return tuple(
        ScheduledPromotion(
            offer=Offer(promotion_id=promotion.pk, label=promotion.name, kind=promotion.kind,
                        value=Decimal(promotion.value), priority=promotion.priority, exclusive=promotion.exclusive),
            starts_at=promotion.starts_at, ends_at=promotion.ends_at, audience=promotion.audience,
            segments=frozenset(promotion.segments or ()),
            partner_ids=frozenset(scopes["partners"].get(promotion.pk, empty)),
            product_ids=frozenset(scopes["products"].get(promotion.pk, empty)),
            variant_ids=frozenset(scopes["variants"].get(promotion.pk, empty)),
            category_ids=categories.get(promotion.pk, empty),
            brand_ids=frozenset(scopes["brands"].get(promotion.pk, empty)))
        for promotion in promotions)


scheduled = VersionedMemo("catalogue-promotions", _load)


def running(context: PriceContext, moment: datetime | None = None) -> list[ScheduledPromotion]:
    """The store's promotions running at `moment` (now) for the context's customer."""
    moment = moment or timezone.now()
    return [promotion for promotion in scheduled.get(context.store.pk)
            if promotion.runs_at(moment) and promotion.reaches(context)]


def adjuster(context: PriceContext) -> OfferSource | None:
    """The offers of the promotions running now for this customer, per variant; None when none runs."""
    live = running(context)
    if not live:
        return None
    needs_product = any(promotion.needs_product for promotion in live)

    def offers(variant):
        product = variant.product if needs_product else None
        return [promotion.offer for promotion in live if promotion.covers(variant, product)]

    return offers
