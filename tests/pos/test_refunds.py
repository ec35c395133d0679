"""A refund's preview is what the refund then records (the same code: pro rata of the sold line, the last
units what is left), writes nothing; a refund is made once per idempotency key; the methods a refund
may use follow the sale's; a refund ticket is never refunded again."""

import uuid
from decimal import Decimal

import pytest

from ashopy.core.errors import NotFound, PermissionDenied
from ashopy.inventory.models import Stock
from ashopy.pos import selling
from ashopy.pos.errors import IdempotencyConflict, NotRefundable
from ashopy.pos.models import ChainRecord, Ticket
from ashopy.pos.selling import RefundLine, SaleLine, Tender
from ashopy.pos.verification import verify_till

pytestmark = pytest.mark.django_db


def shelf(variant, shop) -> int:
    return Stock.objects.get(variant=variant, warehouse=shop).on_hand


def test_each_preview_is_what_the_refund_records(store, session, seller, variant, shop):
    # 3 × 5,900 with 10 % off the line and 5 % off the ticket: amounts that do not split evenly.
    sale = selling.record_sale(user=seller, session=session, lines=[SaleLine(variant.pk, 3, Decimal(10), "Promo")],
                               payments=[Tender("cash", Decimal(20000))], discount_percent=Decimal(5),
                               discount_reason="Fidélité")
    line = sale.lines.get()
    for quantity in (1, 1, 1):
        written = (Ticket.objects.count(), ChainRecord.objects.count(), shelf(variant, shop))
        preview = selling.preview_refund(user=seller, store=store, ticket=sale, lines=[RefundLine(line.pk, quantity)])
        assert (Ticket.objects.count(), ChainRecord.objects.count(), shelf(variant, shop)) == written
        refund = selling.record_refund(user=seller, session=session, ticket=sale, method="cash",
                                       lines=[RefundLine(line.pk, quantity)])
        assert preview.total == refund.total < 0
        assert [(x.refunded_line_id, x.quantity, x.gross, x.tax) for x in preview.lines] == [
            (x.refunded_line_id, x.quantity, x.gross, x.tax) for x in refund.lines.all()]
    assert sum(t.total for t in Ticket.objects.all()) == 0  # the parts add up to the sale exactly
    assert shelf(variant, shop) == 50


def test_a_refund_is_made_once_per_key(session, seller, variant, shop):
    sale = selling.record_sale(user=seller, session=session, lines=[SaleLine(variant.pk, 2)],
                               payments=[Tender("cash", Decimal(11800))])
    line, key = sale.lines.get(), uuid.uuid4()
    first = selling.record_refund(user=seller, session=session, ticket=sale, lines=[RefundLine(line.pk, 1)],
                                  method="cash", reason="Cassé", idempotency_key=key)
    again = selling.record_refund(user=seller, session=session, ticket=sale, lines=[RefundLine(line.pk, 1)],
                                  method="cash", reason="Cassé", idempotency_key=key)
    assert again.pk == first.pk and shelf(variant, shop) == 49 and selling.refundable(sale) == {line.pk: 1}
    for other in ({"lines": [RefundLine(line.pk, 1)], "method": "cash", "reason": "Autre"},
                  {"lines": [RefundLine(line.pk, 2)], "method": "cash", "reason": "Cassé"}):
        with pytest.raises(IdempotencyConflict):
            selling.record_refund(user=seller, session=session, ticket=sale, idempotency_key=key, **other)
    sale_key = _sale_key(session, seller, variant)
    with pytest.raises(IdempotencyConflict):  # a sale's key is not a refund's
        selling.record_refund(user=seller, session=session, ticket=sale, lines=[RefundLine(line.pk, 1)],
                              method="cash", idempotency_key=sale_key)
    assert Ticket.objects.filter(kind="refund").count() == 1 and shelf(variant, shop) == 48  # 1 more sold
    assert ChainRecord.objects.filter(kind="refund").count() == 1 and verify_till(session.till).ok


def _sale_key(session, seller, variant) -> uuid.UUID:
    key = uuid.uuid4()
    selling.record_sale(user=seller, session=session, lines=[SaleLine(variant.pk, 1)],
                        payments=[Tender("cash", Decimal(5900))], idempotency_key=key)
    return key


def test_the_refund_methods_follow_the_sale():
    assert selling.refund_methods({"cash"}) == ["cash"]
    assert selling.refund_methods({"card", "cash"}) == ["cash", "card"]
    assert selling.refund_methods({"wave"}) == selling.refund_methods({"orange_money"}) == ["cash"]
    assert selling.refund_methods({"store_credit", "card"}) == ["cash", "card"]


def test_a_refund_is_not_refunded_nor_previewed_by_others(store, other_store, other_manager, session, seller, customer,
                                                         variant):
    sale = selling.record_sale(user=seller, session=session, lines=[SaleLine(variant.pk, 2)],
                               payments=[Tender("cash", Decimal(11800))])
    line = sale.lines.get()
    refund = selling.record_refund(user=seller, session=session, ticket=sale, lines=[RefundLine(line.pk, 1)],
                                   method="cash")
    with pytest.raises(NotRefundable):
        selling.preview_refund(user=seller, store=store, ticket=refund, lines=[RefundLine(refund.lines.get().pk, 1)])
    with pytest.raises(NotRefundable):
        selling.record_refund(user=seller, session=session, ticket=refund, method="cash",
                              lines=[RefundLine(refund.lines.get().pk, 1)])
    with pytest.raises(PermissionDenied):
        selling.preview_refund(user=customer, store=store, ticket=sale, lines=[RefundLine(line.pk, 1)])
    with pytest.raises(PermissionDenied):
        selling.preview_refund(user=other_manager, store=store, ticket=sale, lines=[RefundLine(line.pk, 1)])
    with pytest.raises(NotFound):
        selling.preview_refund(user=other_manager, store=other_store, ticket=sale, lines=[RefundLine(line.pk, 1)])
    assert Ticket.objects.count() == 2
