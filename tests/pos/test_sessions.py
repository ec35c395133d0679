"""Till sessions: the float by denomination, cash in and out, the blind count at closing, the 24-hour
rule, duplicates, and which warehouse a till may sell from."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ashopy.core.errors import PermissionDenied
from ashopy.pos import selling, services
from ashopy.pos.denominations import InvalidFloat, float_total
from ashopy.pos.errors import ReasonRequired, SessionAlreadyOpen, SessionClosed, SessionTooOld, WrongWarehouse
from ashopy.pos.models import ChainRecord, TillSession
from ashopy.pos.selling import SaleLine, Tender
from ashopy.pos.verification import verify_till
from tests import factories
from tests.pos.conftest import sell

pytestmark = pytest.mark.django_db


def test_the_float_is_counted_in_the_currency_s_coins_and_notes(till, seller, other_store):
    session = services.open_session(user=seller, till=till, opening_float={"10000": 2, "500": 3, "25": 4})
    assert session.opening_total == Decimal(21600) and session.opening_float == {"10000": 2, "500": 3, "25": 4}
    with pytest.raises(SessionAlreadyOpen):
        services.open_session(user=seller, till=till, opening_float={})
    services.close_session(user=seller, session=session, counted={})
    for bad in ({"0.50": 1}, {"1000": -1}, {"1000": 1.5}, {"3000": 1}, ["1000"], {"x": 1}):
        with pytest.raises(InvalidFloat):
            services.open_session(user=seller, till=till, opening_float=bad)
    assert float_total({"0.50": 3, "20": 1, "2": 2}, "EUR")[1] == Decimal("25.50")


def test_a_till_sells_from_a_shop_warehouse_of_its_store(store, other_store, manager, seller):
    main = factories.warehouse(store, "main")
    with pytest.raises(WrongWarehouse):
        services.save_till(user=manager, store=store, code="c2", name="Caisse 2", warehouse=main)
    foreign = factories.warehouse(other_store, "boutique", kind="shop")
    with pytest.raises(WrongWarehouse):
        services.save_till(user=manager, store=store, code="c2", name="Caisse 2", warehouse=foreign)
    shop = factories.warehouse(store, "shop", kind="shop")
    with pytest.raises(PermissionDenied):
        services.save_till(user=seller, store=store, code="c2", name="Caisse 2", warehouse=shop)


def test_closing_counts_blind_and_records_the_differences(session, seller, variant):
    sell(session, seller, variant, 2, cash="20000")  # 11,800 kept, 8,200 change
    selling.record_sale(user=seller, session=session, lines=[SaleLine(variant.pk, 1)],
                        payments=[Tender("card", Decimal(5900))])
    services.move_cash(user=seller, session=session, direction="out", amount=Decimal(5000), reason="Dépôt banque")
    services.move_cash(user=seller, session=session, direction="in", amount=Decimal(1000), reason="Monnaie")
    with pytest.raises(ReasonRequired):
        services.move_cash(user=seller, session=session, direction="in", amount=Decimal(1000), reason=" ")
    closed = services.close_session(user=seller, session=session, note="Billet de 500 manquant",
                                    counted={"cash": Decimal(19300), "card": Decimal(5900)})
    # expected cash: float 12,000 + 11,800 − 5,000 + 1,000 = 19,800
    assert closed.expected == {"card": "5900.00", "cash": "19800.00"}
    assert closed.differences == {"card": "0.00", "cash": "-500.00"}
    assert closed.state == "closed" and closed.note == "Billet de 500 manquant"
    assert ChainRecord.objects.filter(kind="closing", object_id=closed.pk).exists()
    with pytest.raises(SessionClosed):
        sell(closed, seller, variant)
    with pytest.raises(SessionClosed):
        services.close_session(user=seller, session=closed, counted={})
    assert verify_till(closed.till).ok


def test_a_session_older_than_24_hours_sells_nothing_until_closed(session, seller, variant, till):
    TillSession.objects.filter(pk=session.pk).update(opened_at=timezone.now() - timedelta(hours=24, minutes=1))
    with pytest.raises(SessionTooOld):
        sell(session, seller, variant)
    with pytest.raises(SessionAlreadyOpen):
        services.open_session(user=seller, till=till, opening_float={})
    services.close_session(user=seller, session=session, counted={"cash": Decimal(12000)})
    fresh = services.open_session(user=seller, till=till, opening_float={"1000": 5})
    assert sell(fresh, seller, variant).number == 1


def test_a_duplicate_is_numbered_per_ticket_and_chained(session, seller, variant):
    ticket = sell(session, seller, variant)
    first = services.print_duplicate(user=seller, ticket=ticket)
    second = services.print_duplicate(user=seller, ticket=ticket)
    assert (first.number, second.number, str(second)) == (1, 2, "DUPLICATA n°2")
    assert list(ChainRecord.objects.order_by("sequence").values_list("kind", flat=True)) == [
        "sale", "duplicate", "duplicate"]
    assert verify_till(ticket.till).ok
