"""Order e-mails: each kind rendered as text and HTML in the order's language, and sent once by the real flow."""

import pytest

from ashopy.checkout import services as checkout
from ashopy.core.money import format_money
from ashopy.orders import emails
from ashopy.orders import services as orders
from ashopy.orders.models import Order, OrderEvent
from ashopy.payments import services as payments
from ashopy.payments.providers import sandbox
from ashopy.stores.models import Store
from tests import factories

pytestmark = pytest.mark.django_db

URLS = {"success": "http://testserver/ok", "cancel": "http://testserver/ko", "notify": "http://testserver/hook"}


@pytest.fixture
def variant(store):
    return factories.product(store, "ThinkPad X1", stock=10, price="10000").variants.get()


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


def notify(store, payment, outcome="succeeded"):
    body = sandbox.notification_body(reference=payment.reference, outcome=outcome)
    return payments.handle_notification(store=store, provider_code="sandbox", body=body,
                                        headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})


def place(store, variant, method, **options) -> Order:
    """Two units, placed by a guest through the checkout (and paid through a signed sandbox notification)."""
    return factories.placed_order(store, variant, method, quantity=2, email="awa@example.com", **options)


def sent(mailoutbox, order, kind):
    """Send `kind` and answer (message, text, html), checking the parts and the timeline event."""
    mailoutbox.clear()
    emails.send(order.pk, kind)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and html.lstrip().startswith("<!doctype html>")
    assert "<" not in message.body and "&amp;" not in message.body and "&#x27;" not in message.body
    assert order.number in message.subject and order.number in message.body and order.number in html
    event = OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.EMAIL).latest("id")
    assert (event.code, event.data) == ("email_sent", {"email": kind, "recipients": message.to})
    return message, message.body, html


def money(amount, currency="XOF"):
    return format_money(amount, currency, "en")


def test_confirmation_lists_lines_and_totals_and_how_to_pay(mailoutbox, store, variant, method):
    order = place(store, variant, method, payment_method="cash_on_delivery", first_name="Moussa")
    assert order.state == Order.State.AWAITING_PAYMENT
    message, text, html = sent(mailoutbox, order, "confirmation")
    assert message.subject == f"Dakar: your order {order.number} is confirmed"
    assert message.to == ["awa@example.com"]
    for body in (text, html):
        assert "Hello Moussa," in body
        assert "Pay the courier in cash when your order is delivered." in body
        assert variant.sku in body and "ThinkPad X1" in body
        assert money(20000) in body and money(2000) in body and money(order.total) in body
        assert money(order.total_tax) in body
        assert "12 rue Carnot" in body
        assert "Senegal" in body and "\nSN\n" not in body and "<br>SN<" not in body  # a country, not its code
    assert "2 × ThinkPad X1 (" in text


def test_confirmation_of_a_bank_transfer_gives_the_account(mailoutbox, store, variant, method):
    order = place(store, variant, method, payment_method="bank_transfer")
    _message, text, html = sent(mailoutbox, order, "confirmation")
    for line in ("Account holder: Boutique Test SARL", "Bank: Banque Atlantique Sénégal",
                 "RIB: SN012 01001 012345678901 23", "BIC: ATBKSNDA"):
        assert line in text and f"<br>{line}" in html
    assert f"with the reference {order.number}" in text


def test_confirmation_of_a_paid_order_says_so_without_payment_instructions(mailoutbox, store, variant, method):
    order = place(store, variant, method, paid=True)
    assert order.state == Order.State.PAID
    _message, text, html = sent(mailoutbox, order, "confirmation")
    for body in (text, html):
        assert "Your payment is received" in body and "How to pay" not in body


def test_payment_received(mailoutbox, store, variant, method):
    order = place(store, variant, method, payment_method="cash_on_delivery")
    payments.mark_paid_by_hand(order=order, user=None)
    message, text, html = sent(mailoutbox, order, "payment_received")
    assert message.subject == f"Dakar: payment received for order {order.number}"
    assert f"We received your payment of {money(order.total)} for order {order.number}." in text
    assert money(order.total) in html


def test_shipped_gives_the_carrier_tracking_number_and_link(mailoutbox, store, variant, method):
    order = place(store, variant, method, paid=True)
    order = orders.ship(order=order, carrier="DHL", tracking_number="JD0001",
                        tracking_url="https://dhl.example/track?n=JD0001&lang=en")
    message, text, html = sent(mailoutbox, order, "shipped")
    assert message.subject == f"Dakar: your order {order.number} is on its way"
    assert "Carrier: DHL" in text and "Tracking number: JD0001" in text
    assert "https://dhl.example/track?n=JD0001&lang=en" in text
    assert 'href="https://dhl.example/track?n=JD0001&amp;lang=en"' in html
    assert "DHL" in html and "JD0001" in html


def test_shipped_without_a_tracking_link_has_none(mailoutbox, store, variant, method):
    order = orders.ship(order=place(store, variant, method, paid=True), carrier="Coursier")
    _message, text, html = sent(mailoutbox, order, "shipped")
    assert "Follow your parcel" not in text and "Follow your parcel" not in html and "href=\"http" not in html
    assert "Tracking number" not in text


def test_cancelled_says_a_paid_order_is_refunded(mailoutbox, store, variant, method):
    unpaid = checkout.cancel_order(order=place(store, variant, method))
    message, text, _html = sent(mailoutbox, unpaid, "cancelled")
    assert message.subject == f"Dakar: your order {unpaid.number} is cancelled"
    assert "refunded" not in text
    paid = checkout.cancel_order(order=place(store, variant, method, paid=True))
    _message, text, html = sent(mailoutbox, paid, "cancelled")
    assert f"The {money(paid.total)} you paid will be refunded." in text and "will be refunded" in html


def test_refund_needed_goes_to_the_stores_managers_and_admins(mailoutbox, store, manager, store_admin, seller,
                                                              variant, method):
    Store.objects.filter(pk=store.pk).update(default_language="en")  # staff mail speaks the store's language
    order = place(store, variant, method, paid=True, language="fr")
    message, text, html = sent(mailoutbox, order, "refund_needed")
    assert message.to == sorted([manager.email, store_admin.email])
    assert message.subject == f"[Refund needed] Order {order.number} was paid but its items are gone"
    for body in (text, html):
        assert "awa@example.com" in body and variant.sku in body and money(order.total) in body


def test_store_names_are_not_escaped_in_text_parts(mailoutbox, store, variant, method):
    Store.objects.filter(pk=store.pk).update(name="Diop & Fils")
    order = place(store, variant, method, paid=True, first_name="N'Deye")
    message, text, html = sent(mailoutbox, order, "confirmation")
    assert message.subject.startswith("Diop & Fils:")
    assert "Hello N'Deye," in text and "— Diop & Fils" in text
    assert "Diop &amp; Fils" in html and "N&#x27;Deye" in html


def test_no_email_for_a_missing_order_or_kind(mailoutbox):
    emails.send(10**9, "confirmation")
    assert mailoutbox == []
    with pytest.raises(ValueError):
        emails.send(10**9, "spam")


# --- the real flow: e-mails leave after the commit ------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_placing_and_paying_sends_one_confirmation(mailoutbox, store, variant, method):
    order = place(store, variant, method)
    assert mailoutbox == []  # pending payment: nothing to confirm yet
    payment = order.payments.get()
    notify(store, payment)
    notify(store, payment)  # a provider's retry changes nothing
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert [(message.to, message.subject) for message in mailoutbox] == [
        (["awa@example.com"], f"Dakar: your order {order.number} is confirmed")]
    assert OrderEvent.objects.filter(order=order, kind=OrderEvent.Kind.EMAIL).count() == 1


def test_cash_on_delivery_confirms_then_acknowledges_the_payment(mailoutbox, store, manager, variant, method,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(store, variant, method, payment_method="cash_on_delivery")
    assert [message.subject for message in mailoutbox] == [f"Dakar: your order {order.number} is confirmed"]
    with django_capture_on_commit_callbacks(execute=True):
        payments.mark_paid_by_hand(order=order, user=manager)
    with django_capture_on_commit_callbacks(execute=True):
        orders.ship(order=order, user=manager, tracking_url="https://dhl.example/1")
    assert [message.subject.split(": ", 1)[1] for message in mailoutbox] == [
        f"your order {order.number} is confirmed", f"payment received for order {order.number}",
        f"your order {order.number} is on its way"]


def test_a_french_order_gets_french_e_mails(mailoutbox, store, variant, method):
    order = place(store, variant, method, language="fr", paid=True)
    message, text, html = sent(mailoutbox, order, "confirmation")
    assert message.subject == f"Dakar\u00a0: votre commande {order.number} est confirmée"
    assert f"Merci pour votre commande {order.number}." in text and '<html lang="fr">' in html
