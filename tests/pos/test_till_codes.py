"""Promo codes at the till: priced as the web cart prices them (order-level spread pro rata, line-level on
the covered lines, after segment prices and the line discounts), each refusal, the use counted once in the
sale's transaction (confirmed at once, never twice on a replay, not given back by a refund), the ticket
keeping the code in its chained record, and the preview answering the sale's own amounts."""

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ashopy.orders.models import Order
from ashopy.pos import pricing, selling
from ashopy.pos.errors import CodeNeedsCustomer, CodeNotForSale, FreeShippingAtTill
from ashopy.pos.models import ChainRecord, Ticket, TicketLine
from ashopy.pos.selling import RefundLine, SaleLine, Tender
from ashopy.pos.verification import verify_till
from ashopy.promotions import codes
from ashopy.promotions import errors as code_errors
from ashopy.promotions.models import PromoCode, Redemption
from ashopy.promotions.selectors import usage
from tests import factories
from tests.pos.conftest import sell
from tests.promotions.codes_helpers import promo_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def cheap(store, shop):
    """A second product, in its own category, at 1 000 F CFA."""
    variant = factories.product(store, "Câble USB-C", price="1000").variants.get()
    factories.receive(variant, 50, warehouse_=shop)
    return variant


def sale(session, seller, lines, *, code=None, customer=None, cash=None, **options):
    """Price the lines first (the preview), then sell them paid in exact cash (or `cash`)."""
    priced = pricing.price_sale(user=seller, store=session.till.store, lines=lines, customer=customer, code=code)
    amount = Decimal(cash) if cash is not None else priced.total
    return selling.record_sale(user=seller, session=session, lines=lines, payments=[Tender("cash", amount)],
                               customer=customer, code=code, **options)


def test_an_order_code_is_spread_over_the_lines_and_its_use_confirmed_with_the_ticket(
        session, seller, variant, cheap):
    code = promo_code(session.till.store, "CAISSE10", value="10")
    lines = [SaleLine(variant.pk, 2), SaleLine(cheap.pk, 3)]  # 11 800 + 3 000 F CFA
    ticket = sale(session, seller, lines, code=" caisse10 ")
    assert ticket.promo_code == "CAISSE10" and ticket.total == Decimal(13320)
    rows = list(TicketLine.objects.filter(ticket=ticket).order_by("id"))
    assert [row.code_discount for row in rows] == [Decimal(1180), Decimal(300)]
    assert ticket.total_discount == Decimal(1480) and sum(row.gross for row in rows) == ticket.total
    assert ticket.total == ticket.total_net + ticket.total_tax
    assert sum(Decimal(amounts["gross"]) for amounts in ticket.vat.values()) == ticket.total
    use = Redemption.objects.get(code=code)
    assert (use.ticket_id, use.order_id, use.state, use.discount) == (ticket.pk, None, "confirmed", Decimal(1480))
    assert use.confirmed_at is not None
    record = json.loads(ChainRecord.objects.get(kind="sale", object_id=ticket.pk).canonical)
    assert record["promo_code"] == "CAISSE10" and [line["code_discount"] for line in record["lines"]] == [1180, 300]
    assert verify_till(session.till).ok
    numbers = usage(code=code, orders=Order.objects.all())
    assert (numbers.confirmed, numbers.at_till, numbers.discount_confirmed) == (1, 1, Decimal(1480))


def test_a_ticket_without_a_code_is_chained_as_before(session, seller, variant):
    ticket = sell(session, seller, variant)
    record = json.loads(ChainRecord.objects.get(kind="sale", object_id=ticket.pk).canonical)
    assert "promo_code" not in record and "code_discount" not in record["lines"][0]
    assert ticket.promo_code == "" and verify_till(session.till).ok


def test_an_item_code_takes_from_its_products_after_the_segment_price_and_the_line_discount(
        store, session, seller, variant, cheap, customer):
    factories.segment_discount(store, "etudiant", 10)
    customer.segment = "etudiant"
    customer.save()
    code = promo_code(store, "CABLES", kind=PromoCode.Kind.ITEMS_AMOUNT, value="100")
    code.products.add(cheap.product)
    lines = [SaleLine(variant.pk, 1), SaleLine(cheap.pk, 2, Decimal(10), "Abîmé")]
    ticket = sale(session, seller, lines, code="CABLES", customer=customer)
    first, second = TicketLine.objects.filter(ticket=ticket).order_by("id")
    assert first.unit_price == Decimal(5310) and first.code_discount == 0  # 5 900 less the student's 10 %
    assert second.unit_price == Decimal(900) and second.discount == Decimal(180)  # 1 800, 10 % off
    assert second.code_discount == Decimal(200) and second.gross == Decimal(1420)
    assert ticket.total == Decimal(6730) and ticket.customer == customer
    assert Redemption.objects.get(code=code).customer == customer
    assert verify_till(session.till).ok


@pytest.mark.parametrize(("fields", "error"), [
    ({"is_active": False}, code_errors.InactiveCode),
    ({"ends_at": timezone.now() - timedelta(days=1), "starts_at": timezone.now() - timedelta(days=9)},
     code_errors.ExpiredCode),
    ({"starts_at": timezone.now() + timedelta(days=2)}, code_errors.CodeNotYetValid),
    ({"minimum_amount": Decimal(6000)}, code_errors.MinimumNotReached),
    ({"staff_only": True}, code_errors.CodeNotForAccount),
    ({"segments": ["etudiant"]}, code_errors.CodeNotForAccount),
    ({"first_order_only": True}, code_errors.CodeNotForAccount),  # no customer: nobody to ask
    ({"max_uses_per_customer": 1}, CodeNeedsCustomer),
    ({"kind": PromoCode.Kind.FREE_SHIPPING}, FreeShippingAtTill),
    ({"kind": PromoCode.Kind.ITEMS_PERCENT}, CodeNotForSale),  # a line-level code on no product of the sale
])
def test_each_refusal_refuses_the_sale_and_records_nothing(store, session, seller, variant, fields, error):
    promo_code(store, "PROMO", **fields)
    priced = pricing.price_sale(user=seller, store=store, lines=[SaleLine(variant.pk, 1)], code="promo")
    assert isinstance(priced.code_problem, error) and priced.code_discount == 0 and priced.total == Decimal(5900)
    with pytest.raises(error) as raised:
        sale(session, seller, [SaleLine(variant.pk, 1)], code="promo", cash="5900")
    assert raised.value.code.startswith("code_") and "PROMO" in str(raised.value)
    assert not Ticket.objects.exists() and not Redemption.objects.exists()


def test_unknown_and_other_store_codes_are_unknown(store, other_store, session, seller, variant):
    promo_code(other_store, "PARIS")
    for text in ("NOPE", "paris"):
        with pytest.raises(code_errors.UnknownCode):
            sale(session, seller, [SaleLine(variant.pk, 1)], code=text, cash="5900")
    assert not Ticket.objects.exists()


def test_limits_count_web_orders_and_till_tickets_alike(store, session, seller, variant, customer):
    once = promo_code(store, "ONCE", max_uses_per_customer=1)
    full = promo_code(store, "FULL", max_uses=2)
    Redemption.objects.create(store=store, code=full, order_id=7, email="web@example.com")  # held by an order
    sale(session, seller, [SaleLine(variant.pk, 1)], code="full")
    with pytest.raises(code_errors.CodeLimitReached):
        sale(session, seller, [SaleLine(variant.pk, 1)], code="full", cash="5310")
    sale(session, seller, [SaleLine(variant.pk, 1)], code="once", customer=customer)
    with pytest.raises(code_errors.CodeAlreadyUsed):
        sale(session, seller, [SaleLine(variant.pk, 1)], code="once", customer=customer, cash="5310")
    assert Redemption.objects.filter(code=once).count() == 1 and Redemption.objects.filter(code=full).count() == 2
    assert Ticket.objects.count() == 2


def test_a_limit_lowered_by_staff_is_read_under_the_lock(store, session, seller, variant):
    code = promo_code(store, "LAST", max_uses=5)
    Redemption.objects.create(store=store, code=code, order_id=7, email="web@example.com")
    PromoCode.objects.filter(pk=code.pk).update(max_uses=1)  # after the till read the code
    with pytest.raises(code_errors.CodeLimitReached):
        codes.redeem(code=code, ticket_id=99, customer=None, email="", discount=Decimal(10))
    assert Redemption.objects.filter(code=code).count() == 1


def test_a_replayed_sale_counts_its_code_once(store, session, seller, variant):
    code = promo_code(store, "UNIQUE", max_uses=1)
    key = uuid.uuid4()
    first = sale(session, seller, [SaleLine(variant.pk, 1)], code="UNIQUE", idempotency_key=key)
    again = selling.record_sale(user=seller, session=session, lines=[SaleLine(variant.pk, 1)],
                                payments=[Tender("cash", first.total)], code="UNIQUE", idempotency_key=key)
    assert again.pk == first.pk and Ticket.objects.count() == 1
    assert Redemption.objects.filter(code=code).count() == 1


def test_a_refund_of_a_coded_sale_adds_up_and_keeps_the_use(store, session, seller, variant, cheap):
    code = promo_code(store, "MOINS1000", kind=PromoCode.Kind.ORDER_AMOUNT, value="1000")
    ticket = sale(session, seller, [SaleLine(variant.pk, 3), SaleLine(cheap.pk, 1)], code="MOINS1000")
    assert ticket.total == Decimal(17700) + Decimal(1000) - Decimal(1000)
    lines = list(TicketLine.objects.filter(ticket=ticket).order_by("id"))
    refunds = [selling.record_refund(user=seller, session=session, ticket=ticket, method="cash",
                                     lines=[RefundLine(lines[0].pk, 1)]),
               selling.record_refund(user=seller, session=session, ticket=ticket, method="cash",
                                     lines=[RefundLine(lines[0].pk, 2), RefundLine(lines[1].pk, 1)])]
    assert sum(refund.total for refund in refunds) == -ticket.total
    back = TicketLine.objects.filter(ticket__in=refunds)
    assert sum(line.code_discount for line in back) == -Decimal(1000)
    assert sum(refund.total_discount for refund in refunds) == -ticket.total_discount
    assert Redemption.objects.get(code=code).state == Redemption.State.CONFIRMED
    assert verify_till(session.till).ok


def test_the_preview_gives_the_recorded_sale_s_amounts_and_writes_nothing(
        store, session, seller, manager, variant, cheap, customer):
    promo_code(store, "CAISSE10", value="10", max_uses=10)
    lines = [SaleLine(variant.pk, 2, Decimal(5), "Fidélité"), SaleLine(cheap.pk, 3)]
    preview = pricing.preview(user=manager, session=session, lines=lines, customer=customer,
                              discount_percent=Decimal(3), discount_reason="Ouverture", code="caisse10")
    assert not Ticket.objects.exists() and not Redemption.objects.exists()
    ticket = selling.record_sale(user=manager, session=session, lines=lines, customer=customer,
                                 payments=[Tender("cash", preview.total)], discount_percent=Decimal(3),
                                 discount_reason="Ouverture", code="caisse10")
    assert (ticket.total, ticket.total_net, ticket.total_tax, ticket.total_discount, ticket.vat) == (
        preview.total, preview.total_net, preview.total_tax, preview.total_discount, preview.vat)
    recorded = [(line.unit_price, line.discount, line.code_discount, line.ticket_discount, line.gross)
                for line in TicketLine.objects.filter(ticket=ticket).order_by("id")]
    assert recorded == [(line.unit_price, line.discount, line.code_discount, line.ticket_discount, line.gross)
                        for line in preview.lines]


def test_the_staff_usage_page_counts_and_links_the_till_s_uses(client, store, session, seller, manager, variant):
    code = promo_code(store, "CAISSE10", value="10")
    ticket = sale(session, seller, [SaleLine(variant.pk, 1)], code="CAISSE10")
    client.force_login(manager)
    response = client.get(reverse("staff_promotions:code_usage", args=[code.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    numbers = response.context["usage"]
    assert (numbers.confirmed, numbers.at_till, numbers.discount_confirmed) == (1, 1, Decimal(590))
    page = response.content.decode()
    assert reverse("staff_pos:ticket_detail", args=[ticket.pk]) in page
    receipt = client.get(reverse("staff_pos:receipt", args=[ticket.pk])).content.decode()
    assert 'data-testid="promo-code"' in receipt and "CAISSE10" in receipt
    detail = client.get(reverse("staff_pos:ticket_detail", args=[ticket.pk])).content.decode()
    assert 'data-testid="promo-code">CAISSE10<' in detail
