"""The customer's orders: history, detail with its timeline, cancel while allowed, order again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ashopy.cart.web import cart_for_request, remember_count, show
from ashopy.checkout import services
from ashopy.core.errors import DomainError
from ashopy.orders import selectors
from ashopy.orders.errors import OrderNotFound
from ashopy.orders.models import Order, OrderEvent
from ashopy.orders.timeline import Fact
from ashopy.payments import providers
from ashopy.sales import selectors as documents

PAGE_SIZE = 20


def _payment_abandoned(order: Order) -> bool:
    """An online payment the customer did not complete (cancelled on the provider's page, or replaced by
    a new checkout): the history says "paiement annulé" and points back to the cart, which kept the items,
    rather than showing a bare "annulée" the customer never asked for."""
    if order.state != Order.State.CANCELLED or order.paid_at is not None:
        return False
    return order.payment_method in providers.REGISTRY and not providers.build(order.payment_method, {}).offline


def _own(request, number) -> Order:
    try:
        return selectors.order_with_history(store=request.store, number=number, user=request.user)
    except OrderNotFound as missing:
        raise Http404 from missing


@login_required
def order_list(request):
    orders = selectors.customer_orders(store=request.store, user=request.user)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    for order in page.object_list:
        order.payment_abandoned = _payment_abandoned(order)
    return render(request, "customer/orders/order_list.html", {"page": page, "orders": page.object_list,
                                                                 "account_section": "orders"})


@login_required
def order_detail(request, number):
    order = _own(request, number)
    order.payment_abandoned = _payment_abandoned(order)
    timeline = [event for event in order.events.all() if event.kind == OrderEvent.Kind.TRANSITION]
    return render(request, "customer/orders/order_detail.html", {
        "order": order, "lines": list(order.lines.all()), "timeline": list(timeline),
        "can_cancel": services.customer_can_cancel(order),
        "payment": next(iter(order.payments.all()), None), "account_section": "orders",
        "documents": list(documents.customer_documents(store=request.store, user=request.user).filter(order=order))})


@login_required
@require_POST
def cancel(request, number):
    order = _own(request, number)
    if not services.customer_can_cancel(order):
        messages.error(request, _("This order can no longer be cancelled online: contact the shop."))
        return redirect("orders:detail", number=number)
    try:
        services.cancel_order(order=order, user=request.user, note=Fact("cancelled_by_customer"))
        messages.success(request, services.cancelled_message(order))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("orders:detail", number=number)


@login_required
@require_POST
def reorder(request, number):
    order = _own(request, number)
    cart = cart_for_request(request, create=True)
    show(request, services.reorder(order=order, cart=cart))
    remember_count(request, cart)
    return redirect("cart:detail")
