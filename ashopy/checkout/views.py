"""The checkout pages: address → shipping → payment → review → "Proceed to payment", and the pages
the customer comes back to from the payment provider.

What the customer chose lives in the session until the order is placed; every step re-checks
the ones before it (a cart emptied in another tab sends the customer back to the cart).
"""

import uuid

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ashopy.accounts import services as accounts
from ashopy.accounts.models import Address
from ashopy.cart import rules as cart_rules
from ashopy.cart import selectors as cart_selectors
from ashopy.cart import totals as cart_totals
from ashopy.cart.errors import NotForUniqueItem
from ashopy.cart.views import cart_context
from ashopy.cart.web import cart_for_request, remember_count, show
from ashopy.core.errors import DomainError
from ashopy.orders.models import Order
from ashopy.payments import providers
from ashopy.payments.models import Payment
from ashopy.pricing.purchase import policy_for_request

from . import services
from .errors import CartChanged
from .forms import AddressFields, ChoiceForm, ContactForm

NEW = "new"
MAX_TOKENS = 5


def _state(request) -> dict:
    return request.session.setdefault(f"checkout:{request.store.pk}", {})


def _save(request, **values) -> None:
    state = _state(request)
    state.update(values)
    request.session.modified = True


def _guard(request):
    """The cart to check out, or a redirect (empty cart, guest checkout not allowed)."""
    if not request.user.is_authenticated and not request.store.allow_guest_checkout:
        return None, redirect_to_login(request.get_full_path())
    cart = cart_for_request(request)
    if cart is None or not cart.lines.exists():
        messages.info(request, _("Your cart is empty."))
        return None, redirect("cart:detail")
    return cart, None


def start(request):
    _cart, response = _guard(request)
    return response or redirect("checkout:address")


def _address_choices(request) -> list[tuple[str, str]]:
    if not request.user.is_authenticated:
        return []
    return [(str(item.pk), str(item)) for item in Address.objects.filter(user=request.user)]


def _saved_address(request, pk) -> dict | None:
    item = Address.objects.filter(user=request.user, pk=pk).first() if request.user.is_authenticated else None
    if item is None:
        return None
    return {name: str(getattr(item, name) or "") for name in services.ADDRESS_FIELDS}


def _new_address_initial(request) -> dict:
    """What a new address starts with: the customer's name and phone, the store's country."""
    initial = {"country": request.store.country.code}
    user = request.user
    if user.is_authenticated:
        initial.update(first_name=user.first_name, last_name=user.last_name, phone=str(user.phone or ""))
    return initial


def _address_part(request, prefix: str, choices, initial):
    """(address dict or None, form, chosen) for one of the two addresses."""
    chosen = request.POST.get(f"{prefix}-saved", NEW) if request.method == "POST" else (
        choices[0][0] if choices and not initial else NEW)
    form = AddressFields(request.POST if request.method == "POST" and chosen == NEW else None, prefix=prefix,
                         initial=initial or _new_address_initial(request))
    if request.method != "POST":
        return None, form, chosen
    if chosen != NEW:  # one of the customer's own addresses, by the id the page offered, or none
        offered = chosen in {value for value, _label in choices}
        return (_saved_address(request, int(chosen)) if offered else None), form, chosen
    return (form.as_address() if form.is_valid() else None), form, chosen


@require_http_methods(["GET", "POST"])
def address(request):
    _cart, response = _guard(request)
    if response:
        return response
    state = _state(request)
    choices = _address_choices(request)
    contact = None
    if not request.user.is_authenticated:
        contact = ContactForm(request.POST or None, initial={"email": state.get("email", "")})
    shipping, ship_form, ship_chosen = _address_part(request, "ship", choices, state.get("shipping_address"))
    same = request.POST.get("billing_same") == "on" if request.method == "POST" else (
        state.get("billing_address") in (None, state.get("shipping_address")))
    billing, bill_form, bill_chosen = (
        (shipping, AddressFields(prefix="bill", initial=_new_address_initial(request)), NEW) if same
        else _address_part(request, "bill", choices, state.get("billing_address")))
    keep = request.POST.get("save_address") == "on"
    if request.method == "POST":
        contact_ok = contact is None or contact.is_valid()
        if shipping and billing and contact_ok:
            email = contact.cleaned_data["email"] if contact else request.user.email
            _save(request, email=email, shipping_address=shipping, billing_address=billing)
            if keep and request.user.is_authenticated:
                new = [shipping if ship_chosen == NEW else None, billing if bill_chosen == NEW and not same else None]
                accounts.remember_addresses(user=request.user, addresses=[item for item in new if item])
            return redirect("checkout:shipping")
        if (shipping is None and ship_chosen != NEW) or (billing is None and bill_chosen != NEW):
            messages.error(request, _("Choose one of your addresses."))
    return render(request, "checkout/address.html", {
        "step": "address", "contact": contact, "ship_form": ship_form, "bill_form": bill_form, "choices": choices,
        "ship_chosen": ship_chosen, "bill_chosen": bill_chosen, "billing_same": same, "save_address": keep})


def _need(request, *keys):
    state = _state(request)
    return all(state.get(key) for key in keys)


@require_http_methods(["GET", "POST"])
def shipping(request):
    cart, response = _guard(request)
    if response:
        return response
    if not _need(request, "email", "shipping_address"):
        return redirect("checkout:address")
    state = _state(request)
    options = services.shipping_options(cart=cart, policy=policy_for_request(request),
                                        country=state["shipping_address"].get("country"))
    form = ChoiceForm(request.POST or None, choices=[(str(quote.id), quote.name) for quote in options],
                      initial={"choice": str(state.get("shipping_method") or (options[0].id if options else ""))})
    if request.method == "POST" and form.is_valid():
        _save(request, shipping_method=form.cleaned_data["choice"])
        return redirect("checkout:payment")
    lot_contact = None  # nothing offered for a unique item: say how to reserve it
    if not options and cart_rules.holds_unique(cart_selectors.lines_of(cart)):
        lot_contact = cart_rules.contact(request.store)
    return render(request, "checkout/shipping.html", {"step": "shipping", "form": form, "options": options,
                                                      "lot_contact": lot_contact})


@require_http_methods(["GET", "POST"])
def payment(request):
    cart, response = _guard(request)
    if response:
        return response
    if not _need(request, "email", "shipping_address", "shipping_method"):
        return redirect("checkout:shipping")
    offered = services.payment_options(store=request.store, cart=cart)
    state = _state(request)
    form = ChoiceForm(request.POST or None, choices=[(provider.code, provider.label) for provider in offered],
                      initial={"choice": state.get("payment_method") or (offered[0].code if offered else "")})
    if request.method == "POST" and form.is_valid():
        _save(request, payment_method=form.cleaned_data["choice"])
        return redirect("checkout:review")
    return render(request, "checkout/payment.html", {"step": "payment", "form": form, "offered": offered,
                                                     "contact": None if offered else cart_rules.contact(request.store)})


def _details(request) -> services.Details:
    state = _state(request)
    return services.Details(email=state["email"], billing_address=state["billing_address"],
                            shipping_address=state["shipping_address"],
                            shipping_method_id=state["shipping_method"], payment_method=state["payment_method"],
                            customer_note=(request.POST.get("note") or "")[:2000])


@require_http_methods(["GET"])
def review(request):
    cart, response = _guard(request)
    if response:
        return response
    if not _need(request, "email", "shipping_address", "shipping_method", "payment_method"):
        return redirect("checkout:payment")
    state = _state(request)
    policy = policy_for_request(request)
    context = cart_context(request, cart)
    quote = next((option for option in services.shipping_options(
        cart=cart, policy=policy, country=state["shipping_address"].get("country"))
        if str(option.id) == str(state["shipping_method"])), None)
    if quote is None:
        messages.warning(request, _("Choose one of the shipping methods offered for this address."))
        return redirect("checkout:shipping")
    parcel = not cart_rules.holds_unique(context["totals"].lines)
    if state["payment_method"] not in {offered.code for offered in providers.offered(request.store, parcel=parcel)}:
        messages.warning(request, _("Choose one of the payment methods offered for this cart."))
        return redirect("checkout:payment")
    cart_shown = context["totals"]  # the cart's totals, its code included: again with the chosen delivery
    context["totals"] = cart_totals.compute(policy=policy, lines=list(cart_shown.lines), shipping=quote,
                                            offer=cart_shown.offer, code_problem=cart_shown.code_problem)
    token = uuid.uuid4().hex  # one-time: a second submit of this form finds the order already placed
    _save(request, tokens=[*state.get("tokens", [])[-(MAX_TOKENS - 1):], token])
    provider = providers.get(request.store, state["payment_method"])
    return render(request, "checkout/review.html", {
        **context, "step": "review", "state": state, "token": token, "quote": quote,
        "provider": provider, "reservation_minutes": request.store.reservation_minutes})


def _urls(request, order: Order, provider_code: str) -> dict[str, str]:
    return {
        "success": request.build_absolute_uri(reverse("checkout:done", kwargs={"token": order.token})),
        "cancel": request.build_absolute_uri(reverse("checkout:cancelled", kwargs={"token": order.token})),
        "notify": request.build_absolute_uri(reverse("api:payment-webhook", kwargs={"provider": provider_code})),
    }


@require_POST
def place(request):
    """"Proceed to payment": the final validation, the stock held, the order placed, the provider called."""
    cart, response = _guard(request)
    if response:
        return response
    token = request.POST.get("token", "")
    if token not in _state(request).get("tokens", []) or not _need(request, "email", "payment_method"):
        messages.warning(request, _("This form has expired: check your order and confirm again."))
        return redirect("checkout:review")
    try:
        order, attempt = services.place_order(cart=cart, user=request.user, policy=policy_for_request(request),
                                              details=_details(request), idempotency_key=f"web:{token}",
                                              language=request.LANGUAGE_CODE)
        if attempt is not None:
            attempt = services.start_payment(order=order, payment=attempt, urls=_urls(request, order,
                                                                                       attempt.provider))
    except CartChanged as changed:
        show(request, changed.notices)
        return redirect("cart:detail")
    except DomainError as error:
        messages.error(request, str(error))
        if error.code == NotForUniqueItem.code:  # a lot came into the cart after these steps
            return redirect("checkout:shipping" if "shipping_method" in error.fields else "checkout:payment")
        return redirect("cart:detail" if error.code in ("empty_cart", "payment_provider_error") else
                        "checkout:review")
    remember_count(request, cart)
    if attempt is not None and attempt.redirect_url and attempt.status == Payment.Status.PENDING:
        return redirect("checkout:pay", token=order.token)
    return redirect("checkout:done", token=order.token)


def _order(request, token) -> Order:
    order = Order.objects.filter(store=request.store, token=token).select_related("store").first()
    if order is None or (order.user_id and order.user_id != request.user.pk):
        raise Http404
    return order


def pay(request, token):
    """Between placing and paying: the hold and its countdown, and the way to the provider's page."""
    order = _order(request, token)
    attempt = Payment.objects.filter(order=order).order_by("-id").first()
    if order.state != Order.State.PENDING_PAYMENT or attempt is None or not attempt.redirect_url:
        return redirect("checkout:done", token=order.token)
    return render(request, "checkout/pay.html", {"order": order, "payment": attempt,
                                                 "reservation_minutes": request.store.reservation_minutes})


def done(request, token):
    order = _order(request, token)
    remember_count(request, cart_for_request(request))
    attempt = Payment.objects.filter(order=order).order_by("-id").first()
    return render(request, "checkout/done.html", {"order": order, "payment": attempt,
                                                  "lines": list(order.lines.all())})


@require_http_methods(["GET", "POST"])
def cancelled(request, token):
    """Back from the provider without paying: the units go back, the cart is as it was.

    The provider sends the customer here with a GET, which a link preview or a prefetch can make
    as well: it only shows a page whose form (CSRF-protected, sent at once by checkout/return.js)
    cancels with a POST.
    """
    order = _order(request, token)
    failed = (request.POST if request.method == "POST" else request.GET).get("failed")
    if request.method == "POST":
        order = services.cancel_payment(order=order)
    elif order.state == Order.State.PENDING_PAYMENT:
        return render(request, "checkout/cancelled.html", {"order": order, "failed": bool(failed)})
    if order.state in Order.WAS_PAID or order.state == Order.State.AWAITING_PAYMENT:
        return redirect("checkout:done", token=order.token)
    if failed:
        messages.warning(request, _("The payment failed. Your items are still in the cart."))
    else:
        messages.info(request, _("Payment cancelled. Your items are still in the cart."))
    return redirect("cart:detail")
