"""A code's discount reaches the invoice (each line at its discounted amount, the discount as the line's
allowance) and a credit note on a discounted line gives back what was paid for it, not the catalogue price."""

from decimal import Decimal

import pytest

from ashopy.cart import services as cart_services
from ashopy.checkout import services as checkout
from ashopy.payments import services as payments
from ashopy.payments.providers import sandbox
from ashopy.pricing.resolver import PricingPolicy
from ashopy.sales import documents, services
from ashopy.sales.models import Invoice
from tests import factories
from tests.sales.test_invoices import complete_profile

from .codes_helpers import promo_code

pytestmark = pytest.mark.django_db


def test_a_credit_note_on_a_discounted_line_refunds_the_discounted_amount(store, customer, manager):
    complete_profile(store)
    promo_code(store, "BIENVENUE10")
    variant = factories.product(store, price="50000", stock=10).variants.get()
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=2)
    cart_services.apply_code(cart=cart, code="BIENVENUE10", user=customer, policy=PricingPolicy(store, customer))
    order, payment = checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                                          details=factories.checkout_details(factories.shipping_method(store)))
    payment = checkout.start_payment(order=order, payment=payment, urls=factories.RETURN_URLS)
    body = sandbox.notification_body(reference=payment.reference, outcome="succeeded")
    payments.handle_notification(store=store, provider_code="sandbox", body=body,
                                 headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})
    order.refresh_from_db()
    invoice = services.invoice_order(order=order)
    line = invoice.lines.get(position=1)
    assert line.net + line.tax == Decimal("90000")  # 2 × 50 000 less 10 %
    assert line.discount > 0 and invoice.total == order.total
    # Factur-X: the line's allowance (BG-27) gives the code as its reason.
    xml = documents.facturx_xml(Invoice.objects.get(pk=invoice.pk)).decode()
    assert "<ram:Reason>Code BIENVENUE10</ram:Reason>" in xml
    first = services.credit(invoice=invoice, user=manager, reason="Retour", quantities={line.pk: 1})
    second = services.credit(invoice=invoice, user=manager, reason="Retour", quantities={line.pk: 1})
    # Half of the discounted 90 000 each (net and tax rounded apart: 1 F either way), 90 000 in all.
    assert abs(first.total - Decimal("45000")) <= 1 and first.total + second.total == Decimal("90000")
