"""Selling at the till: prices, discounts, split tender with change, stock, idempotency, refunds."""

import uuid
from decimal import Decimal

import pytest

from ashopy.inventory.models import Stock, StockMovement
from ashopy.pos import selling
from ashopy.pos.errors import DiscountTooHigh, PaymentMismatch, ReasonRequired
from ashopy.pos.models import ChainRecord, Ticket
from ashopy.pos.selling import RefundLine, SaleLine, Tender
from ashopy.pos.verification import verify_till
from tests.pos.conftest import sell

pytestmark = pytest.mark.django_db


def test_a_cash_sale_gives_change_deducts_the_shop_and_is_chained(session, seller, variant, shop):
    ticket = sell(session, seller, variant, 2, cash="15000")
    assert ticket.number == 1 and ticket.reference == "C1-000001"
    assert ticket.total == Decimal(11800) and ticket.total_net + ticket.total_tax == ticket.total
    assert ticket.vat == {"18.00": {"net": "10000", "tax": "1800", "gross": "11800"}}
    cash = ticket.payments.get()
    assert (cash.amount, cash.tendered, cash.change_given) == (Decimal(11800), Decimal(15000), Decimal(3200))
    assert Stock.objects.get(variant=variant, warehouse=shop).on_hand == 48
    assert StockMovement.objects.filter(reference="C1-000001", quantity=-2).exists()
    record = ChainRecord.objects.get(kind="sale", object_id=ticket.pk)
    assert record.sequence == 1 and len(record.signature) == 128
    assert verify_till(session.till).ok
