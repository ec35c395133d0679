"""`price_of(product)` and `price_block_of(product)` for the storefront templates and tags of apps below pricing."""

from .display import PriceBlock, price_html, promotion_of
from .purchase import policy_for_request


def prices(request):
    store = getattr(request, "store", None)
    if store is None:
        return {}

    def price_block_of(product, size="md") -> PriceBlock:
        """The price block of a product: the lowest this customer pays among its active variants, and
        whether a catalogue promotion gives it."""
        variants = getattr(product, "active_variants", None)
        if variants is None:
            variants = list(product.variants.filter(active=True))
        _variant, unit = policy_for_request(request).cheapest(variants)
        html = price_html(unit, currency=store.currency, from_price=len(variants) > 1, size=size)
        return PriceBlock(html, promotion_of(unit) is not None)

    def price_of(product, size="md"):
        return price_block_of(product, size).html

    return {"price_of": price_of, "price_block_of": price_block_of}
