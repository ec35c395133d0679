"""A code's discount reaches the invoice (each line at its discounted amount, the discount as the line's
allowance) and a credit note on a discounted line gives back what was paid for it, not the catalogue price;
a free-shipping code leaves the delivery on the invoice, at its price less as much (net 0)."""

from decimal import Decimal

import pytest

from ashopy.cart import services as cart_services
from ashopy.checkout import services as checkout
from ashopy.payments import services as payments
from ashopy.payments.providers import sandbox
from ashopy.pricing.resolver import PricingPolicy
from ashopy.promotions.models import PromoCode
from ashopy.sales import documents, services
from ashopy.sales.models import Invoice
from tests import factories
from tests.sales.test_invoices import complete_profile

from .codes_helpers import promo_code

pytestmark = pytest.mark.django_db


def _paid_with_code(store, customer, code, *, price, quantity=1, method=None):
    """An order of `quantity` × a product at `price` with `code` applied, placed and paid in the sandbox."""
    variant = factories.product(store, price=price, stock=10).variants.get()
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=quantity)
    cart_services.apply_code(cart=cart, code=code, user=customer, policy=PricingPolicy(store, customer))
    method = method or factories.shipping_method(store)
    order, payment = checkout.place_order(cart=cart, user=customer, policy=PricingPolicy(store, customer),
                                          details=factories.checkout_details(method))
    payment = checkout.start_payment(order=order, payment=payment, urls=factories.RETURN_URLS)
    body = sandbox.notification_body(reference=payment.reference, outcome="succeeded")
    payments.handle_notification(store=store, provider_code="sandbox", body=body,
                                 headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})
    order.refresh_from_db()
    return order


def test_a_credit_note_on_a_discounted_line_refunds_the_discounted_amount(store, customer, manager):
    complete_profile(store)
    promo_code(store, "BIENVENUE10")
    order = _paid_with_code(store, customer, "BIENVENUE10", price="50000", quantity=2)
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


@pytest.mark.parametrize(("includes_tax", "price", "unit"), [(True, "6.00", Decimal("5.00")),
                                                            (False, "5.00", Decimal("5.00"))])
def test_free_shipping_shows_the_delivery_at_its_price_less_as_much(other_store, includes_tax, price, unit):
    """Paris (20 % VAT): the delivery's price excl. tax is the line's price and its discount, net 0; Factur-X
    gives that discount as the line's allowance with the code's label as its reason."""
    other_store.prices_include_tax = includes_tax
    other_store.save(update_fields=["prices_include_tax"])
    complete_profile(other_store)
    customer = factories.UserFactory(email="lea@example.fr", registered_store=other_store)
    promo_code(other_store, "PORTOFFERT", kind=PromoCode.Kind.FREE_SHIPPING, value="0")
    method = factories.shipping_method(other_store, name="Colissimo", price=price)
    order = _paid_with_code(other_store, customer, "portoffert", price="40.00", method=method)
    assert order.shipping_gross == 0 and order.discounts.get().kind == "shipping"
    invoice = Invoice.objects.get(pk=services.invoice_order(order=order).pk)
    delivery = invoice.lines.get(position=2)
    assert (delivery.description, delivery.quantity, delivery.unit_price, delivery.discount) == (
        "Colissimo", 1, unit, unit)
    assert (delivery.net, delivery.tax, delivery.tax_rate) == (0, 0, Decimal(20))
    assert invoice.total == order.total == Decimal("48.00" if not includes_tax else "40.00")
    assert invoice.recomputed_totals()["total"] == invoice.total
    xml = documents.facturx_xml(invoice).decode()
    label = order.discounts.get().label
    assert "PORTOFFERT" in label and f"<ram:Reason>{label}</ram:Reason>" in xml
    assert xml.count("<ram:SpecifiedTradeAllowanceCharge>") == 1  # the goods were not discounted


def test_a_free_delivery_method_adds_no_line(store, customer):
    """Shipping at 0 without a code's discount (a free method): no delivery line, as before codes."""
    complete_profile(store)
    promo_code(store, "BIENVENUE10")
    order = _paid_with_code(store, customer, "BIENVENUE10", price="50000",
                            method=factories.shipping_method(store, price="0"))
    invoice = services.invoice_order(order=order)
    assert invoice.lines.count() == 1 and invoice.total == order.total == Decimal("45000")
