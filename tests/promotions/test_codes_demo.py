"""The demo's four codes, in each store's currency, refreshed in place by a second load."""

from decimal import Decimal

import pytest

from ashopy.demo.codes import promo_codes
from ashopy.promotions.models import PromoCode

pytestmark = pytest.mark.django_db


def test_each_demo_store_has_the_four_codes_in_its_currency(store, other_store):
    promo_codes(store)
    promo_codes(other_store)
    promo_codes(other_store)  # load_demo --reset: updated in place
    dakar = {code.code: code for code in PromoCode.objects.filter(store=store)}
    paris = {code.code: code for code in PromoCode.objects.filter(store=other_store)}
    assert set(dakar) == set(paris) == {"BIENVENUE10", "VIP20", "PROMO5", "FLASH50"}
    assert (dakar["BIENVENUE10"].value, dakar["BIENVENUE10"].minimum_amount, dakar["BIENVENUE10"].max_uses) == (
        Decimal(10), Decimal(13000), 100)
    assert (paris["VIP20"].minimum_amount, paris["VIP20"].max_uses) == (Decimal(50), 50)
    assert (dakar["PROMO5"].kind, dakar["PROMO5"].value, dakar["PROMO5"].minimum_amount) == (
        PromoCode.Kind.ORDER_AMOUNT, Decimal(3000), Decimal(10000))
    assert (paris["PROMO5"].value, paris["PROMO5"].max_uses) == (Decimal(5), None)
    assert (paris["FLASH50"].value, paris["FLASH50"].minimum_amount, dakar["FLASH50"].minimum_amount,
            dakar["FLASH50"].max_uses) == (Decimal(50), Decimal(100), Decimal(65000), 10)
