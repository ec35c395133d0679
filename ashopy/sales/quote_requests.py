"""A customer asks for a quote: their cart (or one real-estate lot) becomes a draft quote that staff finish.

Who is offered it is decided here (`may_request`): professionals, companies and public institutions (the
segment the shop verified or the one they declared: a request gives no discount, staff price it), the store's
partners, and anyone whose cart holds a unique item (a real-estate lot is reserved, not bought). The draft is
written by ashopy itself (`user=None`) for the customer, each line at the purchase policy's price for them;
a `requested` event marks it, and `quote_requested` tells the store's staff after the commit
(`sales.consumers`). The cart is left as it is.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ashopy.accounts.models import Segment
from ashopy.accounts.selectors import is_customer_of
from ashopy.cart.models import Cart
from ashopy.cart.selectors import lines_of
from ashopy.catalog import rules as catalog_rules
from ashopy.catalog.models import Variant
from ashopy.core import events
from ashopy.core.errors import DomainError, PermissionDenied
from ashopy.stores.models import Store

from . import quote_services
from .quote_models import Quote
from .staff_quotes import REQUESTED

PROFESSIONAL_SEGMENTS = frozenset({Segment.PROFESSIONNEL, Segment.ENTREPRISE, Segment.INSTITUTION})
NOTE_LIMIT = 4000


class QuoteRequestEmpty(DomainError):
    code = "quote_request_empty"
    message = _("Your cart is empty: add what you need, then ask for a quote.")


class QuoteRequestNotOffered(DomainError):
    code = "quote_request_not_offered"
    message = _("Quotes are offered to professionals, partners and for real-estate lots.")


def is_professional(*, store: Store, user) -> bool:
    """A signed-in professional, company, institution, or a partner of this store."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if (user.segment or user.declared_segment) in PROFESSIONAL_SEGMENTS:
        return True
    return bool(user.partner_id) and user.partner.store_id == store.pk


def may_request(*, store: Store, user, lines) -> bool:
    """Whether the cart page offers « Demander un devis » for these cart lines (as `cart.selectors` reads them)."""
    if not lines:
        return False
    return is_professional(store=store, user=user) or any(catalog_rules.is_unique(line.variant.product)
                                                         for line in lines)


def _customer(store: Store, user) -> None:
    if user is None or not getattr(user, "is_authenticated", False) or not is_customer_of(store=store, user=user):
        raise PermissionDenied()


def _requested(quote: Quote, customer, source: str) -> Quote:
    quote_services.event(quote, REQUESTED, customer, source=source)
    events.publish("quote_requested", quote_id=quote.pk, store_id=quote.store_id)
    return quote


@transaction.atomic
def request_from_cart(*, store: Store, user, cart: Cart | None, note: str = "") -> Quote:
    """A draft quote of the cart's lines for the signed-in customer; refused when the cart page would not offer it."""
    _customer(store, user)
    if cart is None or cart.store_id != store.pk or (cart.user_id is not None and cart.user_id != user.pk):
        raise QuoteRequestEmpty()
    lines = lines_of(cart)
    if not lines:
        raise QuoteRequestEmpty()
    if not may_request(store=store, user=user, lines=lines):
        raise QuoteRequestNotOffered()
    quote = quote_services.create_quote(store=store, user=None, customer=user,
                                        request_note=str(note or "").strip()[:NOTE_LIMIT])
    for line in lines:
        quote_services.add_catalogue_line(quote=quote, user=None, variant=line.variant_id, quantity=line.quantity)
    return _requested(quote, user, "cart")


@transaction.atomic
def request_lot(*, store: Store, user, variant_id, note: str = "") -> Quote:
    """« Réserver ce lot »: a draft quote of one unit of the lot for the signed-in customer."""
    _customer(store, user)
    try:
        variant_id = int(variant_id)
    except (TypeError, ValueError) as error:
        raise QuoteRequestNotOffered() from error
    variant = (Variant.objects.for_store(store).select_related("product")
               .filter(pk=variant_id, active=True, product__status="published").first())
    if variant is None or not catalog_rules.is_unique(variant.product):
        raise QuoteRequestNotOffered()
    quote = quote_services.create_quote(store=store, user=None, customer=user,
                                        request_note=str(note or "").strip()[:NOTE_LIMIT])
    quote_services.add_catalogue_line(quote=quote, user=None, variant=variant.pk, quantity=1)
    return _requested(quote, user, "lot")


def requests_of(*, store: Store, user):
    """The customer's requests in this store, newest first (whatever became of them)."""
    return (Quote.objects.for_store(store).filter(customer=user, events__code=REQUESTED)
            .distinct().order_by("-created_at", "-id"))
