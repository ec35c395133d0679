"""The demo's catalogue promotions: in each store, winter sales on the accessories (every sub-category
included) and an exclusive fixed price on one smartphone, so that cards, product pages, the cart and
the API show struck prices, promotion names and the "promo" badge from the first visit."""

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from ashopy.catalog.models import Category, Product
from ashopy.core.money import round_money
from ashopy.promotions.models import Promotion
from ashopy.stores.models import Store

from . import structure

SALES_DAYS = 90
FIXED_PRICE_SHARE = Decimal("0.85")  # the fixed price: 85 % of the catalogue price, rounded down to a round figure
ROUND_FIGURE = {"XOF": Decimal(500), "EUR": Decimal(1)}


@transaction.atomic
def add_catalogue_promotions() -> list[Promotion]:
    """(Re)create the demo stores' catalogue promotions; a store without the products they need gets fewer."""
    made = []
    for store in Store.objects.filter(slug__in=structure.STORES):
        Promotion.objects.filter(store=store).delete()
        made += [promotion for promotion in (_winter_sales(store), _fixed_price(store)) if promotion is not None]
    return made


def _winter_sales(store: Store) -> Promotion | None:
    accessories = Category.objects.filter(store=store, slug="accessoires").first()
    if accessories is None:
        return None
    now = timezone.now()
    promotion = Promotion.objects.create(
        store=store, name="Soldes d’hiver −15 %", kind=Promotion.Kind.PERCENT, value=Decimal(15),
        starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=SALES_DAYS), priority=0)
    promotion.categories.set([accessories])
    return promotion


def _fixed_price(store: Store) -> Promotion | None:
    phone = (Product.objects.published(store).non_polymorphic().filter(category__slug="smartphones")
             .order_by("-price_from", "id").first())
    if phone is None or phone.price_from <= 0:
        return None
    step = ROUND_FIGURE.get(store.currency, Decimal(1))
    price = round_money((phone.price_from * FIXED_PRICE_SHARE / step).to_integral_value(ROUND_DOWN) * step,
                        store.currency)
    promotion = Promotion.objects.create(
        store=store, name=f"Prix choc : {phone.name}", kind=Promotion.Kind.FIXED_PRICE, value=price,
        exclusive=True, priority=10)
    promotion.products.set([phone])
    return promotion
