"""The e-mails about an order: to its customer, in the order's language, or to the store's staff."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from ashopy.stores.models import Membership, Role

from .models import Order, OrderEvent
from .timeline import Fact, columns

CUSTOMER_KINDS = ("confirmation", "payment_received", "shipped", "cancelled")
STAFF_KINDS = ("refund_needed",)


def _recipients(order: Order, kind: str) -> tuple[list[str], str]:
    if kind in STAFF_KINDS:
        emails = Membership.objects.filter(store=order.store, role__in=(Role.GESTIONNAIRE, Role.ADMIN),
                                           user__is_active=True).values_list("user__email", flat=True)
        return sorted(set(emails)) or ([order.store.email] if order.store.email else []), \
            order.store.default_language
    return [order.email], order.language


def send(order_id: int, kind: str) -> None:
    """One e-mail of `kind` (see CUSTOMER_KINDS, STAFF_KINDS), HTML and text, recorded on the timeline."""
    if kind not in CUSTOMER_KINDS + STAFF_KINDS:
        raise ValueError(kind)
    order = Order.objects.select_related("store").prefetch_related("lines").filter(pk=order_id).first()
    if order is None:
        return
    recipients, language = _recipients(order, kind)
    if not recipients:
        return
    with translation.override(language):
        context = {"order": order, "store": order.store, "lines": list(order.lines.all())}
        send_mail(subject=render_to_string(f"orders/email/{kind}_subject.txt", context).strip(),
                  message=render_to_string(f"orders/email/{kind}.txt", context),
                  html_message=render_to_string(f"orders/email/{kind}.html", context),
                  from_email=order.store.email_sender, recipient_list=recipients)
    OrderEvent.objects.create(order=order, kind=OrderEvent.Kind.EMAIL,
                              **columns(Fact("email_sent", {"email": kind, "recipients": recipients})))
