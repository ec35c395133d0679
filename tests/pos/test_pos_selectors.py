"""The reads the till page, the API and the back office will share: the closing report, a receipt,
the search of past tickets; each in a fixed number of queries."""

from decimal import Decimal

import pytest
from django.utils import timezone

from ashopy.pos import selectors, selling, services
from ashopy.pos.selling import RefundLine, SaleLine, Tender
from tests import factories
from tests.pos.conftest import sell

pytestmark = pytest.mark.django_db


def test_the_closing_report_lists_what_the_session_did(session, seller, variant, django_assert_num_queries):
    sale = selling.record_sale(user=seller, session=session, payments=[Tender("card", Decimal(10620))],
                               lines=[SaleLine(variant.pk, 2, Decimal(10), "Fin de série")])
    sell(session, seller, variant, cash="10000")
    selling.record_refund(user=seller, session=session, ticket=sale, lines=[RefundLine(sale.lines.get().pk, 1)],
                          method="cash")
    services.move_cash(user=seller, session=session, direction="out", amount=Decimal(2000), reason="Dépôt")
    with django_assert_num_queries(4):
        report = selectors.session_report(session)
    assert report.sales == (2, Decimal(16520)) and report.refunds == (1, Decimal(-5310))
    assert report.discounts == Decimal(1180 - 590)
    assert report.payments == {"card": Decimal(10620), "cash": Decimal(5900 - 5310)}
    assert report.vat == {"18.00": {"net": Decimal(9500), "tax": Decimal(1710), "gross": Decimal(11210)}}
    assert [m.reason for m in report.cash_movements] == ["Dépôt"]


def test_a_receipt_carries_the_start_of_its_signature(session, seller, variant, store, other_store,
                                                      django_assert_num_queries):
    ticket = sell(session, seller, variant)
    with django_assert_num_queries(4):
        printed = selectors.receipt(ticket.pk, store=store, duplicate=2)
        assert [line.sku for line in printed.ticket.lines.all()] == [variant.sku]
    assert len(printed.signature_start) == 4 and printed.software_version.startswith("ashopy")
    assert printed.ticket.till.code == "c1" and printed.duplicate == 2
    with pytest.raises(Exception, match="does not exist"):
        selectors.receipt(ticket.pk, store=other_store)


def test_past_tickets_are_found_by_number_day_or_customer(session, seller, variant, store):
    buyer = factories.UserFactory(email="moussa@example.com", last_name="Sarr")
    first = sell(session, seller, variant, customer=buyer)
    second = sell(session, seller, variant)
    assert list(selectors.search_tickets(store=store, query="C1-000002")) == [second]
    assert list(selectors.search_tickets(store=store, query="1")) == [first]
    assert list(selectors.search_tickets(store=store, query="sarr")) == [first]
    assert list(selectors.search_tickets(store=store, customer_id=buyer.pk)) == [first]
    today = timezone.localtime(first.created_at, timezone=None).date()
    assert list(selectors.search_tickets(store=store, day=today)) == [second, first]
    assert not selectors.search_tickets(store=store, query="C9-000001").exists()
