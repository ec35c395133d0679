"""A single-use promo code raced for at the counter, real threads on PostgreSQL: two tills using it at once
sell once with it (the other is refused, nothing recorded); a till and a web checkout racing for its last
use, exactly one gets it and neither deadlocks (both take the code's row before the stock rows). Every
till's chain still verifies."""

from decimal import Decimal

import pytest

from ashopy.cart import services as cart_services
from ashopy.cart.models import Cart
from ashopy.checkout import services as checkout
from ashopy.checkout.errors import CartChanged
from ashopy.orders.models import Order
from ashopy.pos import selling, services
from ashopy.pos.models import Ticket, Till
from ashopy.pos.selling import SaleLine, Tender
from ashopy.pos.verification import verify_till
from ashopy.pricing.resolver import PricingPolicy
from ashopy.promotions.errors import CodeLimitReached
from ashopy.promotions.models import Redemption
from tests import factories
from tests.promotions.codes_helpers import promo_code
from tests.threads import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second(store, shop, manager):
    till = services.save_till(user=manager, store=store, code="c2", name="Caisse 2", warehouse=shop)
    return services.open_session(user=manager, till=till, opening_float={})


def chains_verify():
    assert all(verify_till(till).ok for till in Till.objects.select_related("store"))


@pytest.mark.parametrize("round_", range(3))
def test_two_tills_using_a_single_use_code_at_once_one_sale_carries_it(store, session, second, seller, manager,
                                                                        variant, round_):
    code = promo_code(store, f"UNIQUE{round_}", max_uses=1)
    sessions, cashiers = (session, second), (seller, manager)

    def sell(index):
        try:
            return selling.record_sale(user=cashiers[index], session=sessions[index], lines=[SaleLine(variant.pk, 1)],
                                       payments=[Tender("cash", Decimal(5310))], code=code.code).pk
        except CodeLimitReached:
            return None

    sold = run_together(2, sell)
    assert sorted(pk is None for pk in sold) == [False, True]
    ticket = Ticket.objects.get()
    assert ticket.promo_code == code.code and ticket.total == Decimal(5310)
    assert list(Redemption.objects.filter(code=code).values_list("ticket_id", flat=True)) == [ticket.pk]
    chains_verify()


def test_a_till_and_a_web_checkout_race_for_the_last_use(store, session, seller, variant):
    code = promo_code(store, "DERNIER", max_uses=1)
    method = factories.shipping_method(store, price="1000")
    buyer = factories.UserFactory(email="web@example.com")
    web = factories.product(store, "Sac", price="10000", stock=10).variants.get()
    cart = cart_services.get_cart(store=store, user=buyer, create=True)
    cart_services.add(cart=cart, variant_id=web.pk, quantity=1)
    cart_services.apply_code(cart=cart, code="dernier", user=buyer, policy=PricingPolicy(store, buyer))

    def work(index):
        if index == 0:
            try:
                selling.record_sale(user=seller, session=session, lines=[SaleLine(variant.pk, 1)],
                                    payments=[Tender("cash", Decimal(5310))], code="DERNIER")
                return "till"
            except CodeLimitReached:
                return None
        try:
            checkout.place_order(cart=Cart.objects.get(pk=cart.pk), user=buyer, policy=PricingPolicy(store, buyer),
                                 details=factories.checkout_details(method, email=buyer.email))
            return "web"
        except CartChanged:
            return None

    won = [winner for winner in run_together(2, work) if winner]
    assert len(won) == 1, won
    assert Redemption.objects.filter(code=code).count() == 1
    assert Ticket.objects.count() + Order.objects.count() == 1
    chains_verify()
