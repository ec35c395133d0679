"""The cart page and its forms (add, change a quantity, remove)."""

from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from ashopy.core.errors import DomainError
from ashopy.pricing.purchase import policy_for_request
from ashopy.shipping.selectors import available_methods

from . import rules, selectors, services
from . import totals as totals_module
from .errors import EmptyCart
from .web import cart_for_request, remember_count, show


def _quantity(raw) -> int | str:
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return str(raw)  # the service refuses it with its own message


def _back(request, default: str):
    target = request.POST.get("next") or request.headers.get("referer") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _run(request, action) -> None:
    try:
        show(request, [action()])
    except DomainError as error:
        show(request, [services.Notice("error", str(error))])


@require_POST
def add(request):
    cart = cart_for_request(request, create=True)
    _run(request, lambda: services.add(cart=cart, variant_id=request.POST.get("variant"),
                                       quantity=_quantity(request.POST.get("quantity", 1)),
                                       policy=policy_for_request(request)))
    remember_count(request, cart)
    return _back(request, "cart:detail")


@require_POST
def update(request, line_id):
    cart = cart_for_request(request)
    if cart is not None:
        _run(request, lambda: services.set_quantity(cart=cart, line_id=line_id,
                                                    quantity=_quantity(request.POST.get("quantity")),
                                                    policy=policy_for_request(request)))
        remember_count(request, cart)
    return redirect("cart:detail")


@require_POST
def remove(request, line_id):
    cart = cart_for_request(request)
    if cart is not None:
        _run(request, lambda: services.remove(cart=cart, line_id=line_id))
        remember_count(request, cart)
    return redirect("cart:detail")


def cart_context(request, cart) -> dict:
    """The priced cart with its shipping estimate: the cheapest method offered in the store's country."""
    policy = policy_for_request(request)
    totals = selectors.priced(cart, policy)
    methods = available_methods(store=request.store, country=request.store.country, weight_kg=totals.weight_kg,
                                goods_total=totals.goods, parcel=not rules.holds_unique(totals.lines)
                                ) if totals.lines else []
    cheapest = min(methods, key=lambda quote: quote.price, default=None)
    if cheapest is not None:
        totals = totals_module.compute(policy=policy, lines=list(totals.lines), shipping=cheapest,
                                       offer=totals.offer, code_problem=totals.code_problem)
    covers = selectors.cover_images(line.variant.product_id for line in totals.lines)
    rows = [{"line": line, "cover": covers.get(line.variant.product_id), "most": policy.max_quantity(line.variant)}
            for line in totals.lines]
    return {"cart": cart, "totals": totals, "rows": rows, "shipping_methods": methods,
            "pending_discounts": policy.pending_discounts()}


@require_POST
def apply_code(request):
    cart = cart_for_request(request)
    if cart is None:
        show(request, [services.Notice("error", str(EmptyCart.message))])
    else:
        _run(request, lambda: services.apply_code(cart=cart, code=request.POST.get("code", ""), user=request.user,
                                                  policy=policy_for_request(request)))
    return redirect("cart:detail")


@require_POST
def remove_code(request):
    cart = cart_for_request(request)
    if cart is not None:
        _run(request, lambda: services.remove_code(cart=cart))
    return redirect("cart:detail")


@require_GET
def detail(request):
    """Every line is checked against the stock (cart.services.refresh)."""
    cart = cart_for_request(request)
    if cart is not None:
        show(request, services.refresh(cart=cart, policy=policy_for_request(request)))
    remember_count(request, cart)
    return render(request, "cart/cart.html", cart_context(request, cart))
