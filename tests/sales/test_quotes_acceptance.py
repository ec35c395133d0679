"""The customer's answer to a quote: acceptance (recorded, converted into an order at the quoted prices,
stock reserved), its refusals (expired, withdrawn, short stock, bad input), the deposit paid online or
recorded by staff, the balance that pays the order and issues its invoice, and the customer's page."""

import hashlib
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone

from ashopy.accounts.models import Address
from ashopy.core import events
from ashopy.core.errors import PermissionDenied
from ashopy.inventory.errors import InsufficientStock
from ashopy.inventory.models import Stock
from ashopy.orders.models import Order, OrderEvent
from ashopy.payments import services as payments
from ashopy.payments.errors import InvalidAmount, UnknownMethod
from ashopy.payments.models import Payment
from ashopy.payments.providers import label_of, sandbox
from ashopy.pricing.purchase import PurchasePolicy
from ashopy.sales import quote_acceptance, quote_services
from ashopy.sales import services as sales_services
from ashopy.sales.errors import (
    AcceptanceIncomplete,
    InvalidDepositMethod,
    NoDeposit,
    QuoteExpired,
    QuoteStateError,
    UnknownQuoteOption,
)
from ashopy.sales.models import Invoice, Quote, QuoteAcceptance, QuoteEvent, SellerProfile
from tests import factories

from .test_invoices import complete_profile

URLS = factories.RETURN_URLS


@pytest.fixture
def variant(store):
    return factories.product(store, price="59000", stock=5).variants.get()


@pytest.fixture
def lot(store):
    product = factories.product(store, "Villa Almadies", kind="real_estate_lot", stock=1, price="90000000",
                                surface_m2=Decimal("240"), rooms=5, floor=0, programme="Almadies Résidence")
    return product.variants.get()


def make_quote(store, seller, customer, variant, *, quantity=2, deposit_percent=None, option=True, price=None):
    """A sent quote: `quantity` units of `variant` (at `price` excl. tax with a reason when given), a free
    installation line, and an optional warranty line."""
    quote = quote_services.create_quote(store=store, user=seller, customer=customer, deposit_percent=deposit_percent,
                                        terms="Paiement à réception")
    quote_services.add_catalogue_line(quote=quote, user=seller, variant=variant, quantity=quantity, unit_price=price,
                                      reason="Remise projet" if price else "")
    quote_services.add_free_line(quote=quote, user=seller, description="Installation", quantity=1,
                                 unit_price="20000")
    if option:
        quote_services.add_free_line(quote=quote, user=seller, description="Garantie 3 ans", quantity=1,
                                     unit_price="10000", optional=True)
    return quote_services.send_quote(quote=quote, user=seller)


def option_of(quote):
    return quote.lines.get(optional=True)


def accept(quote, **overrides):
    values = {"name": "Awa Diop", "accepted_terms": True, "options": (), "ip": "192.0.2.10",
              "user_agent": "Mozilla/5.0 (Test)"} | overrides
    return quote_acceptance.accept_quote(quote=quote, **values)


def on_hand(variant):
    return sum(Stock.objects.filter(variant=variant).values_list("on_hand", flat=True))


def pay_by_sandbox(payment, outcome="succeeded"):
    body = sandbox.notification_body(reference=payment.reference, outcome=outcome)
    payments.handle_notification(store=payment.order.store, provider_code="sandbox", body=body,
                                 headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})


def test_accepting_records_it_and_places_the_order_at_the_quoted_prices(store, seller, customer, variant,
                                                                          mailoutbox):
    quote = make_quote(store, seller, customer, variant, price="45000")
    option = option_of(quote)
    accepted = accept(quote, options=[str(option.pk)])
    assert accepted.state == Quote.State.CONVERTED
    order = accepted.order
    assert order.state == Order.State.AWAITING_PAYMENT and order.user == customer and order.stock_consumed
    lines = [(line.product_name, line.variant_id, line.quantity, line.unit_price, line.net, line.tax)
             for line in order.lines.order_by("id")]
    assert lines == [
        (variant.product.name, variant.pk, 2, Decimal(45000), Decimal(90000), Decimal(16200)),
        ("Installation", None, 1, Decimal(20000), Decimal(20000), Decimal(3600)),
        ("Garantie 3 ans", None, 1, Decimal(10000), Decimal(10000), Decimal(1800)),
    ]
    assert order.total == accepted.total == Decimal(141600) and not order.prices_include_tax
    assert order.recomputed_totals()["total"] == order.total
    assert accepted.recomputed_totals()["total"] == accepted.total
    assert on_hand(variant) == 3, "the units are taken out of stock as for an order paid offline"
    acceptance = QuoteAcceptance.objects.get(quote=quote)
    assert (acceptance.name, acceptance.ip, acceptance.user_agent, acceptance.options) == (
        "Awa Diop", "192.0.2.10", "Mozilla/5.0 (Test)", [option.pk])
    with acceptance.pdf.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == acceptance.pdf_sha256
    assert acceptance.pdf_sha256 != accepted.pdf_sha256, "the accepted document carries the options and the name"
    assert list(QuoteEvent.objects.filter(quote=quote, code__in=["accepted", "converted"])
                .values_list("code", "from_state", "to_state")) == [
        ("accepted", "sent", "accepted"), ("converted", "accepted", "converted")]


def test_an_option_not_ticked_stays_out(store, seller, customer, variant, mailoutbox):
    quote = make_quote(store, seller, customer, variant)
    accepted = accept(quote)
    assert [line.product_name for line in accepted.order.lines.all()] == [variant.product.name, "Installation"]
    assert accepted.total == Decimal(141600)  # 2 × 50 000 + 20 000, 18 % VAT
    assert not option_of(accepted).chosen


@pytest.mark.parametrize("overrides, error", [
    ({"name": ""}, AcceptanceIncomplete), ({"name": "   "}, AcceptanceIncomplete),
    ({"name": "x" * 151}, AcceptanceIncomplete), ({"accepted_terms": False}, AcceptanceIncomplete),
    ({"accepted_terms": "yes"}, AcceptanceIncomplete), ({"options": ["abc"]}, UnknownQuoteOption),
    ({"options": [999999]}, UnknownQuoteOption),
])
def test_an_incomplete_acceptance_changes_nothing(store, seller, customer, variant, mailoutbox, overrides, error):
    quote = make_quote(store, seller, customer, variant)
    with pytest.raises(error):
        accept(quote, **overrides)
    assert Quote.objects.get(pk=quote.pk).state == Quote.State.SENT
    assert not Order.objects.exists() and not QuoteAcceptance.objects.exists() and on_hand(variant) == 5


def test_a_required_line_is_no_option(store, seller, customer, variant, mailoutbox):
    quote = make_quote(store, seller, customer, variant)
    required = quote.lines.filter(optional=False).first()
    with pytest.raises(UnknownQuoteOption):
        accept(quote, options=[required.pk])


def test_an_expired_quote_can_no_longer_be_accepted(store, seller, customer, variant, mailoutbox):
    quote = make_quote(store, seller, customer, variant)
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        with pytest.raises(QuoteExpired) as refused:
            accept(quote)
        assert refused.value.status == 409
        assert Quote.objects.get(pk=quote.pk).state == Quote.State.SENT and not Order.objects.exists()
        quote_services.expire_due()
        with pytest.raises(QuoteStateError) as refused:
            accept(quote)
        assert str(refused.value) == "This quote has expired."
    assert on_hand(variant) == 5


def test_the_last_day_still_counts(store, seller, customer, variant, mailoutbox):
    quote = make_quote(store, seller, customer, variant)
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        assert accept(quote).state == Quote.State.CONVERTED


def test_withdrawn_refused_or_accepted_quotes_cannot_be_accepted(store, seller, customer, variant, mailoutbox):
    withdrawn = quote_services.withdraw_quote(quote=make_quote(store, seller, customer, variant), user=seller)
    refused = quote_acceptance.refuse_quote(quote=make_quote(store, seller, customer, variant),
                                            reason="Trop cher")
    assert refused.state == Quote.State.REFUSED and refused.refusal_reason == "Trop cher"
    converted = accept(make_quote(store, seller, customer, variant))
    for quote, message in ((withdrawn, "withdrawn by the store"), (refused, "refused"),
                           (converted, "turned into an order")):
        with pytest.raises(QuoteStateError) as error:
            accept(quote)
        assert message in str(error.value)
        with pytest.raises(QuoteStateError):
            quote_acceptance.refuse_quote(quote=quote)
    assert Order.objects.count() == 1


def stored_files(folder="quotes/accepted"):
    if not default_storage.exists(folder):
        return set()
    folders, files = default_storage.listdir(folder)
    nested = {path for sub in folders for path in stored_files(f"{folder}/{sub}")}
    return {f"{folder}/{name}" for name in files} | nested


def test_short_stock_refuses_the_acceptance_and_changes_nothing(store, seller, customer, variant, mailoutbox):
    quote = make_quote(store, seller, customer, variant, quantity=6)
    files_before = stored_files()
    with pytest.raises(InsufficientStock) as refused:
        accept(quote)
    assert refused.value.status == 409 and "5 available, 6 requested" in str(refused.value)
    assert Quote.objects.get(pk=quote.pk).state == Quote.State.SENT
    assert not Order.objects.exists() and not QuoteAcceptance.objects.exists() and on_hand(variant) == 5
    assert Stock.objects.get(variant=variant).reserved == 0
    assert not QuoteEvent.objects.filter(quote=quote, code="accepted").exists()
    assert stored_files() == files_before, "no accepted PDF left behind"


def test_the_deposit_then_the_balance_pay_the_order_and_issue_its_invoice(store, seller, customer, variant,
                                                                          mailoutbox):
    complete_profile(store)
    Address.objects.create(user=customer, first_name="Awa", last_name="Diop", company="Diop Conseil",
                           line1="12 rue Carnot", city="Dakar", country="SN", is_default_billing=True)
    quote = make_quote(store, seller, customer, variant, deposit_percent="30")
    assert quote.buyer["company"] == "Diop Conseil" and quote.buyer["line1"] == "12 rue Carnot"
    accepted = accept(quote)
    order = accepted.order
    assert quote_acceptance.amount_due_now(accepted) == ("deposit", Decimal(42480))  # 30 % of 141 600
    with pytest.raises(UnknownMethod):
        quote_acceptance.start_quote_payment(quote=accepted, provider_code="cash_on_delivery", urls=URLS)
    with pytest.raises(UnknownMethod):
        quote_acceptance.start_quote_payment(quote=accepted, provider_code="nonsense", urls=URLS)
    deposit = quote_acceptance.start_quote_payment(quote=accepted, provider_code="sandbox", urls=URLS)
    assert deposit.amount == Decimal(42480) and deposit.data["part"] is True and deposit.redirect_url
    pay_by_sandbox(deposit)
    order = Order.objects.get(pk=order.pk)
    assert order.state == Order.State.AWAITING_PAYMENT and order.paid_at is None
    assert OrderEvent.objects.filter(order=order, code="deposit_received").exists()
    assert quote_acceptance.amount_due_now(accepted) == ("balance", Decimal(99120))
    balance = quote_acceptance.start_quote_payment(quote=accepted, provider_code="sandbox", urls=URLS)
    assert balance.amount == Decimal(99120)
    pay_by_sandbox(balance)
    order = Order.objects.get(pk=order.pk)
    assert order.state == Order.State.PAID and order.paid_at is not None
    for consumer in events.consumers_of("order_paid"):
        if consumer.name == "sales.invoice.issue":
            consumer.handler(order_id=order.pk)
    invoice = Invoice.objects.get(order=order)
    assert invoice.is_issued and invoice.total == order.total and invoice.amount_due == 0
    assert order.payment_method == "sandbox" and invoice.payment_method == label_of("sandbox"), "how it was paid"
    with pytest.raises(NoDeposit):
        quote_acceptance.start_quote_payment(quote=accepted, provider_code="sandbox", urls=URLS)


def test_a_failed_deposit_leaves_the_order_waiting(store, seller, customer, variant, mailoutbox):
    accepted = accept(make_quote(store, seller, customer, variant, deposit_percent="30"))
    attempt = quote_acceptance.start_quote_payment(quote=accepted, provider_code="sandbox", urls=URLS)
    pay_by_sandbox(attempt, outcome="failed")
    assert Order.objects.get(pk=accepted.order_id).state == Order.State.AWAITING_PAYMENT
    assert quote_acceptance.amount_due_now(accepted)[0] == "deposit"


def test_staff_record_a_deposit_paid_by_transfer_or_in_cash(store, seller, customer, variant, mailoutbox):
    accepted = accept(make_quote(store, seller, customer, variant, deposit_percent="30"))
    with pytest.raises(PermissionDenied):
        quote_acceptance.record_deposit(quote=accepted, user=customer, amount="42480", method="bank_transfer")
    with pytest.raises(InvalidDepositMethod):
        quote_acceptance.record_deposit(quote=accepted, user=seller, amount="42480", method="bitcoin")
    for amount in ("0", "-1", "12.5", "abc", "999999999"):
        with pytest.raises(InvalidAmount):
            quote_acceptance.record_deposit(quote=accepted, user=seller, amount=amount, method="cash")
    assert not Payment.objects.exists()
    quote_acceptance.record_deposit(quote=accepted, user=seller, amount="42480", method="cash")
    order = Order.objects.get(pk=accepted.order_id)
    assert order.state == Order.State.AWAITING_PAYMENT
    event = OrderEvent.objects.get(order=order, code="deposit_recorded")
    assert event.user == seller and "Cash" in event.text and "cash" not in event.text
    quote_acceptance.record_deposit(quote=accepted, user=seller, amount="99120", method="bank_transfer")
    assert Order.objects.get(pk=order.pk).state == Order.State.PAID


def test_a_part_payment_is_never_more_than_what_is_left(store, seller, customer, variant, mailoutbox):
    accepted = accept(make_quote(store, seller, customer, variant))
    provider = payments.provider_for(store, "sandbox")
    for amount in (Decimal(141601), Decimal(0), Decimal("-5"), Decimal("10.5")):
        with pytest.raises(InvalidAmount):
            payments.create(order=accepted.order, provider=provider, amount=amount)
    assert quote_acceptance.amount_due_now(accepted) == ("balance", Decimal(141600))


def test_a_lot_accepted_with_a_deposit_is_nobody_else_s(store, seller, customer, lot, mailoutbox):
    other = factories.UserFactory(email="autre@example.com", registered_store=store)
    first = make_quote(store, seller, customer, lot, quantity=1, deposit_percent="10", option=False)
    second = make_quote(store, seller, other, lot, quantity=1, deposit_percent="10", option=False)
    accepted = accept(first)
    assert accepted.order.state == Order.State.AWAITING_PAYMENT
    policy = PurchasePolicy(store, other)
    assert policy.max_quantity(lot) == 0, "nobody can put it in a cart any more"
    with pytest.raises(InsufficientStock):
        accept(second, name="Moussa Sow")
    assert Quote.objects.get(pk=second.pk).state == Quote.State.SENT
    # The deposit paid, it is still the first customer's.
    pay_by_sandbox(quote_acceptance.start_quote_payment(quote=accepted, provider_code="sandbox", urls=URLS))
    assert PurchasePolicy(store, other).max_quantity(lot) == 0
    with pytest.raises(InsufficientStock):
        accept(second, name="Moussa Sow")


def test_a_lot_accepted_but_never_paid_goes_back_on_sale(client, store, seller, customer, lot, mailoutbox):
    """The legal profile's days to pay: past them with nothing paid, the order is cancelled and the lot is
    for sale again; the customer's page said by when, the quote and the order say why."""
    SellerProfile.objects.update_or_create(store=store, defaults={"quote_payment_days": 10})
    other = factories.UserFactory(email="autre@example.com", registered_store=store)
    accepted = accept(make_quote(store, seller, customer, lot, quantity=1, deposit_percent="10", option=False))
    assert quote_acceptance.pay_by(accepted) == timezone.localdate(
        accepted.acceptance.accepted_at + timedelta(days=10), timezone=ZoneInfo(store.timezone))
    client.force_login(customer)
    page = client.get(f"/quote/{accepted.token}/").content.decode()
    assert "To pay by" in page or "À régler avant le" in page
    assert quote_acceptance.cancel_unpaid(now=timezone.now() + timedelta(days=9, hours=23)) == 0
    assert quote_acceptance.cancel_unpaid(now=timezone.now() + timedelta(days=10, minutes=1)) == 1
    order = Order.objects.get(pk=accepted.order_id)
    assert order.state == Order.State.CANCELLED
    assert OrderEvent.objects.filter(order=order, code="quote_unpaid").exists()
    assert QuoteEvent.objects.filter(quote=accepted, code="unpaid_cancelled").exists()
    assert PurchasePolicy(store, other).max_quantity(lot) == 1, "the lot is for sale again"
    assert quote_acceptance.cancel_unpaid(now=timezone.now() + timedelta(days=30)) == 0, "once"


def test_an_accepted_quote_with_a_payment_is_never_cancelled_for_lateness(store, seller, customer, variant,
                                                                         mailoutbox):
    paid = accept(make_quote(store, seller, customer, variant, deposit_percent="30"))
    quote_acceptance.record_deposit(quote=paid, user=seller, amount="1000", method="cash")
    failed = accept(make_quote(store, seller, customer, variant, quantity=1, deposit_percent="30"))
    pay_by_sandbox(quote_acceptance.start_quote_payment(quote=failed, provider_code="sandbox", urls=URLS),
                   outcome="failed")
    assert quote_acceptance.cancel_unpaid(now=timezone.now() + timedelta(days=365)) == 1, "only the one with nothing"
    assert Order.objects.get(pk=paid.order_id).state == Order.State.AWAITING_PAYMENT
    assert Order.objects.get(pk=failed.order_id).state == Order.State.CANCELLED
    assert quote_acceptance.pay_by(Quote.objects.get(pk=failed.pk)) is None


def test_a_prospect_s_quote_becomes_a_guest_order(store, seller, variant, mailoutbox):
    quote = quote_services.create_quote(store=store, user=seller, prospect_name="Moussa Sow",
                                        prospect_company="Sow BTP", prospect_email="moussa@sowbtp.example")
    quote_services.add_catalogue_line(quote=quote, user=seller, variant=variant, quantity=1)
    quote = quote_services.send_quote(quote=quote, user=seller)
    assert mailoutbox[0].to == ["moussa@sowbtp.example"]
    order = accept(quote, name="Moussa Sow").order
    assert order.user is None and order.email == "moussa@sowbtp.example"
    assert order.billing_address["company"] == "Sow BTP" and order.billing_address["country"] == "SN"


# --- the customer's page ----------------------------------------------------------------------

def page(quote):
    return f"/quote/{quote.token}/"


def test_the_page_shows_the_quote_in_french(client, store, seller, customer, variant, mailoutbox):
    quote = make_quote(store, seller, customer, variant, deposit_percent="30")
    response = client.get(page(quote))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Devis {quote.number}" in html and "Accepter le devis" in html and "Garantie 3 ans" in html
    assert "141\u202f600\u00a0F\u202fCFA" in html and "Acompte à la signature" in html
    assert 'name="robots" content="noindex' in html


def test_wrong_links_are_404(client, store, seller, customer, variant, other_store, both_store_hosts, mailoutbox):
    draft = quote_services.create_quote(store=store, user=seller, customer=customer)
    quote = make_quote(store, seller, customer, variant)
    for url in (page(draft), "/quote/not-a-token/", f"/quote/{quote.token[:-2]}xx/", "/quote/" + "a" * 300 + "/",
                f"/quote/{draft.token}/pdf/", f"/quote/{quote.token}/accepted.pdf"):
        assert client.get(url).status_code == 404, url
    assert client.get(page(quote), HTTP_HOST="b.test").status_code == 404, "another store's host"


def test_ticking_an_option_updates_the_totals_on_the_server(client, store, seller, customer, variant, mailoutbox):
    quote = make_quote(store, seller, customer, variant)
    option = option_of(quote)
    response = client.post(page(quote), {"options": [option.pk], "action": "update"})
    assert response.status_code == 200
    assert response.context["totals"]["total"] == Decimal(153400)
    assert client.post(page(quote), {"options": ["999"], "action": "update"}).status_code == 400
    assert Quote.objects.get(pk=quote.pk).state == Quote.State.SENT


def test_accepting_from_the_page(client, store, seller, customer, variant, mailoutbox):
    quote = make_quote(store, seller, customer, variant, deposit_percent="30")
    option = option_of(quote)
    refused = client.post(page(quote), {"options": [option.pk], "action": "accept", "name": "Awa Diop"})
    assert refused.status_code == 400 and "acceptez les conditions" in refused.content.decode()
    response = client.post(page(quote), {"options": [option.pk], "action": "accept", "name": "Awa Diop",
                                         "terms": "on"}, REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Firefox")
    assert response.status_code == 302
    acceptance = QuoteAcceptance.objects.get(quote=quote)
    assert (acceptance.ip, acceptance.user_agent, acceptance.options) == ("198.51.100.7", "Firefox", [option.pk])
    html = client.get(page(quote)).content.decode()
    order = Quote.objects.get(pk=quote.pk).order
    assert order.number in html and "Acompte à payer" in html and "Payer" in html
    assert client.get(f"/quote/{quote.token}/accepted.pdf").status_code == 200
    pay = client.post(f"/quote/{quote.token}/pay/", {"method": "sandbox"})
    assert pay.status_code == 302 and Payment.objects.get(order=order).data["part"] is True
    assert client.post(f"/quote/{quote.token}/pay/", {"method": "nonsense"}).status_code == 400


def test_short_stock_on_the_page_is_a_clear_409(client, store, seller, customer, variant, mailoutbox):
    quote = make_quote(store, seller, customer, variant, quantity=6)
    response = client.post(page(quote), {"action": "accept", "name": "Awa Diop", "terms": "on"})
    assert response.status_code == 409 and "6" in response.content.decode()
    assert not Order.objects.exists()


def test_expired_withdrawn_and_refused_pages_say_so(client, store, seller, customer, variant, mailoutbox):
    expired = make_quote(store, seller, customer, variant)
    withdrawn = quote_services.withdraw_quote(quote=make_quote(store, seller, customer, variant), user=seller)
    to_refuse = make_quote(store, seller, customer, variant)
    assert client.post(f"/quote/{to_refuse.token}/refuse/", {"reason": "Budget"}).status_code == 302
    assert Quote.objects.get(pk=to_refuse.pk).refusal_reason == "Budget"
    assert "Vous avez refusé ce devis." in client.get(page(to_refuse)).content.decode()
    assert client.post(f"/quote/{to_refuse.token}/refuse/").status_code == 409
    assert "retiré par la boutique" in client.get(page(withdrawn)).content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        html = client.get(page(expired)).content.decode()
        assert "Ce devis a expiré le" in html and "Accepter le devis" not in html
        response = client.post(page(expired), {"action": "accept", "name": "Awa Diop", "terms": "on"})
        assert response.status_code == 409


def test_the_pdf_downloads_as_stored(client, store, seller, customer, variant, mailoutbox):
    quote = make_quote(store, seller, customer, variant)
    response = client.get(f"/quote/{quote.token}/pdf/")
    content = b"".join(response.streaming_content)
    assert response.status_code == 200 and hashlib.sha256(content).hexdigest() == quote.pdf_sha256


def test_the_page_s_query_budget(client, store, seller, customer, variant, mailoutbox, django_assert_max_num_queries):
    quote = accept(make_quote(store, seller, customer, variant, deposit_percent="30"))
    with django_assert_max_num_queries(8):
        assert client.get(page(quote)).status_code == 200


def test_the_store_hears_of_the_answer(store, seller, customer, variant, manager, mailoutbox):
    accepted = accept(make_quote(store, seller, customer, variant))
    refused = quote_acceptance.refuse_quote(quote=make_quote(store, seller, customer, variant), reason="Budget")
    told = [mail for mail in mailoutbox if mail.to != ["client@example.com"]]
    assert [mail.subject for mail in told] == [f"Devis {accepted.number} accepté", f"Devis {refused.number} refusé"]
    assert all(mail.to == sorted([manager.email, seller.email]) for mail in told)
    assert "signé «\u00a0Awa Diop\u00a0»" in told[0].body and accepted.order.number in told[0].body
    assert "Motif indiqué\u00a0: Budget" in told[1].body


def test_other_methods_are_refused(client, store, seller, customer, variant, mailoutbox):
    quote = make_quote(store, seller, customer, variant)
    assert client.head(page(quote)).status_code == 200
    assert client.put(page(quote)).status_code == 405
    assert client.get(f"/quote/{quote.token}/refuse/").status_code == 405
    assert client.get(f"/quote/{quote.token}/pay/").status_code == 405
    assert client.post(f"/quote/{quote.token}/pay/", {"method": "sandbox"}).status_code == 409, "nothing to pay yet"
    assert Quote.objects.get(pk=quote.pk).state == Quote.State.SENT


def test_staff_invoice_a_quote_s_order_once_its_deposit_is_paid(store, seller, customer, variant, mailoutbox):
    complete_profile(store)
    Address.objects.create(user=customer, first_name="Awa", last_name="Diop", line1="12 rue Carnot", city="Dakar",
                           country="SN", is_default_billing=True)
    accepted = accept(make_quote(store, seller, customer, variant, deposit_percent="30"))
    pay_by_sandbox(quote_acceptance.start_quote_payment(quote=accepted, provider_code="sandbox", urls=URLS))
    invoice = sales_services.invoice_order(order=accepted.order, user=seller)
    assert invoice.is_issued and invoice.total == Decimal(141600)
    assert invoice.amount_paid == Decimal(42480) and invoice.payment_state == Invoice.Payment.PARTIAL
