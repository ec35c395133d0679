"""`price_of(product)` for the storefront templates and tags of apps below pricing."""

from .display import price_html
from .purchase import policy_for_request


def prices(request):
    store = getattr(request, "store", None)
    if store is None:
        return {}

    def price_of(product, size="md"):
        """The price block of a product: the lowest this customer pays among its active variants."""
        variants = getattr(product, "active_variants", None)
        if variants is None:
            variants = list(product.variants.filter(active=True))
        _variant, unit = policy_for_request(request).cheapest(variants)
        return price_html(unit, currency=store.currency, from_price=len(variants) > 1, size=size)

    return {"price_of": price_of}
