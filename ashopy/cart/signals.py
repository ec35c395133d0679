"""At login, the visitor's cart joins the customer's (accounts cannot import the cart: a signal)."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import services

SESSION_KEY = "cart_id"


def session_key(store) -> str:
    return f"{SESSION_KEY}:{store.pk}"


@receiver(user_logged_in)
def merge_visitor_cart(sender, request, user, **kwargs):
    store = getattr(request, "store", None)
    if store is None or not hasattr(request, "session"):
        return
    cart_id = request.session.pop(session_key(store), None)
    if cart_id is None:
        return
    source = services.get_cart(store=store, cart_id=cart_id)
    if source is None:
        return
    into = services.get_cart(store=store, user=user, create=True)
    for notice in services.merge(source=source, into=into):
        messages.add_message(request, getattr(messages, notice.level.upper()), notice.message)
