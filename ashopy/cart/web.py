"""The cart of the current request: the customer's, or the visitor's through the session."""

from django.contrib import messages

from . import selectors, services
from .models import Cart
from .signals import session_key

COUNT_KEY = "cart_count"


def cart_for_request(request, *, create: bool = False) -> Cart | None:
    store = request.store
    if request.user.is_authenticated:
        return services.get_cart(store=store, user=request.user, create=create)
    cart_id = request.session.get(session_key(store))
    cart = services.get_cart(store=store, cart_id=cart_id, create=create) if cart_id or create else None
    if cart is not None and cart_id != cart.pk:
        request.session[session_key(store)] = cart.pk
    return cart


def remember_count(request, cart: Cart | None) -> None:
    """Keep the header badge's figure in the session: pages show it without a query."""
    request.session[f"{COUNT_KEY}:{request.store.pk}"] = selectors.line_count(cart)


def show(request, notices) -> None:
    for notice in notices:
        messages.add_message(request, getattr(messages, notice.level.upper()), notice.message)


def count_in_session(request) -> int:
    session = getattr(request, "session", None)
    store = getattr(request, "store", None)
    if session is None or store is None or not session.session_key:
        return 0
    return session.get(f"{COUNT_KEY}:{store.pk}", 0)
