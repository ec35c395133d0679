"""Staff API for promotions and promo codes: the same services and rules as the pages (roles, field errors,
store scoping), batches of single-use codes, the usage report against a recomputation, lists in a fixed
number of queries, and every operation in the schema."""

import re
from decimal import Decimal

import pytest
import yaml

from ashopy.promotions import staff
from ashopy.promotions.models import PromoCode, Promotion, Redemption
from tests import factories
from tests.api import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]
PROMOTIONS = "/api/v1/staff/promotions/"
CODES = "/api/v1/staff/promo-codes/"


@pytest.fixture
def laptop(store):
    return factories.product(store, "ThinkPad X1", price="50000")


@pytest.fixture
def promotion(store, manager, laptop):
    return staff.save_promotion(store=store, user=manager, name="Rentrée", kind="percent", value=Decimal(10),
                                products=[laptop])


@pytest.fixture
def code(store, manager):
    return staff.save_code(store=store, user=manager, code="VIP20", kind="order_percent", value=Decimal(20),
                           minimum_amount=Decimal(32500), max_uses=50)


@pytest.fixture
def foreign(other_store, other_manager):
    return (staff.save_promotion(store=other_store, user=other_manager, name="Soldes", kind="percent",
                                 value=Decimal(20)),
            staff.save_code(store=other_store, user=other_manager, code="PARIS", kind="free_shipping",
                            value=Decimal(0)))


def test_a_manager_creates_changes_and_deactivates_a_promotion(store, manager, laptop):
    api = client_for(manager)
    category = factories.category(store, "Portables")
    response = api.post(PROMOTIONS, {"name": "Black Friday", "kind": "amount", "value": "5000",
                                     "starts_at": "2026-11-27T00:00:00Z", "ends_at": "2026-11-30T23:00:00Z",
                                     "products": [laptop.pk], "categories": [category.pk], "exclusive": True},
                      format="json")
    assert response.status_code == 201, response.data
    body = response.json()
    assert body["status"] in {"scheduled", "expired", "active"} and body["products"] == [laptop.pk]
    promotion = Promotion.objects.get(pk=body["id"])
    assert (promotion.kind, promotion.value, promotion.exclusive) == ("amount", 5000, True)
    detail = f"{PROMOTIONS}{promotion.pk}/"
    response = api.patch(detail, {"name": "Cyber Monday", "products": []}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Cyber Monday"
    assert response.json()["products"] == [] and response.json()["categories"] == [category.pk]
    response = api.patch(detail, {"is_active": False}, format="json")
    assert response.json()["status"] == "inactive"
    listed = api.get(PROMOTIONS, {"status": "inactive"}).json()
    assert [row["id"] for row in listed["results"]] == [promotion.pk]


@pytest.mark.parametrize(("data", "field"), [
    ({"value": "101"}, "value"),
    ({"value": "-1"}, "value"),
    ({"kind": "amount", "value": "99.5"}, "value"),
    ({"starts_at": "2026-12-10T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"}, "ends_at"),
    ({"audience": "partners"}, "partners"),
    ({"segments": ["martian"]}, "segments"),
    ({"value": "NaN"}, "value"),
    ({"products": [999999]}, "products"),
    ({"name": ""}, "name"),
])
def test_bad_promotions_are_400_with_the_field_and_change_nothing(manager, data, field):
    response = client_for(manager).post(PROMOTIONS, {"name": "X", "kind": "percent", "value": "10", **data},
                                        format="json")
    assert response.status_code == 400, response.data
    assert field in response.json()["fields"] and response.json()["code"] == "invalid"
    assert not Promotion.objects.exists()


def test_roles_a_salesperson_reads_a_customer_and_a_visitor_cannot(seller, customer, promotion, code):
    api = client_for(seller)
    assert api.get(PROMOTIONS).status_code == 200 and api.get(f"{CODES}{code.pk}/usage/").status_code == 200
    assert api.post(PROMOTIONS, {"name": "X", "kind": "percent", "value": "5"}, format="json").status_code == 403
    assert api.patch(f"{PROMOTIONS}{promotion.pk}/", {"is_active": False}, format="json").status_code == 403
    assert api.post(f"{CODES}batch/", {"prefix": "X", "count": 2, "kind": "free_shipping"},
                    format="json").status_code == 403
    assert client_for(customer).get(PROMOTIONS).status_code == 403
    assert client_for(customer).get(CODES).status_code == 403
    assert client_for().get(CODES).status_code == 401
    promotion.refresh_from_db()
    assert promotion.is_active and Promotion.objects.count() == 1 and PromoCode.objects.count() == 1


def test_another_stores_rows_are_404_and_unchanged(manager, foreign, other_store):
    promotion, code = foreign
    api = client_for(manager)
    assert api.get(f"{PROMOTIONS}{promotion.pk}/").status_code == 404
    assert api.patch(f"{PROMOTIONS}{promotion.pk}/", {"is_active": False}, format="json").status_code == 404
    assert api.get(f"{CODES}{code.pk}/").status_code == 404
    assert api.patch(f"{CODES}{code.pk}/", {"is_active": False}, format="json").status_code == 404
    assert api.get(f"{CODES}{code.pk}/usage/").status_code == 404
    other_product = factories.product(other_store, "Clavier", price="30")
    response = api.post(PROMOTIONS, {"name": "X", "kind": "percent", "value": "5", "products": [other_product.pk]},
                        format="json")
    assert response.status_code == 400 and "products" in response.json()["fields"]
    promotion.refresh_from_db()
    code.refresh_from_db()
    assert promotion.is_active and code.is_active
    assert api.get(PROMOTIONS).json()["count"] == 0


def test_codes_are_unique_per_store_whatever_the_case(store, manager, code, other_manager):
    api = client_for(manager)
    response = api.post(CODES, {"code": "vip20", "kind": "order_percent", "value": "5"}, format="json")
    assert response.status_code == 400 and "code" in response.json()["fields"]
    for bad in ("BAD CODE", "ÉTÉ", "X" * 41, ""):
        response = api.post(CODES, {"code": bad, "kind": "order_percent", "value": "5"}, format="json")
        assert response.status_code == 400 and "code" in response.json()["fields"], bad
    # another store may have the same code
    response = client_for(other_manager, host="b.test").post(CODES, {"code": "vip20", "kind": "order_percent",
                                                                     "value": "5"}, format="json")
    assert response.status_code == 201 and response.json()["code"] == "VIP20"
    response = api.post(CODES, {"code": "promo5", "kind": "order_amount", "value": "3000",
                                "minimum_amount": "10000", "max_uses_per_customer": 1}, format="json")
    assert response.status_code == 201 and response.json()["code"] == "PROMO5"
    response = api.patch(f"{CODES}{code.pk}/", {"is_active": False, "max_uses": None}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "inactive"
    code.refresh_from_db()
    assert code.max_uses is None and not code.is_active
    assert PromoCode.objects.filter(store=store).count() == 2


def test_batch_generation_makes_n_unique_single_use_codes(store, manager):
    api = client_for(manager)
    response = api.post(f"{CODES}batch/", {"prefix": "salon", "count": 30, "kind": "order_percent", "value": "15",
                                           "max_uses_per_customer": 1}, format="json")
    assert response.status_code == 201, response.data
    body = response.json()
    assert body["batch"] == "SALON" and len(set(body["codes"])) == 30
    assert all(re.fullmatch(r"SALON-[A-HJ-NP-Z2-9]{10}", code) for code in body["codes"])
    made = PromoCode.objects.filter(store=store, batch="SALON")
    assert sorted(made.values_list("code", flat=True)) == sorted(body["codes"])
    assert set(made.values_list("max_uses", "value")) == {(1, 15)}
    listed = api.get(CODES, {"batch": "salon", "page_size": 50}).json()
    assert listed["count"] == 30
    for bad in ({"prefix": "a b", "count": 2}, {"prefix": "OK", "count": 0}, {"prefix": "OK", "count": 5000},
                {"prefix": "OK", "count": 2, "value": "150"}):
        response = api.post(f"{CODES}batch/", {"kind": "order_percent", "value": "10", **bad}, format="json")
        assert response.status_code == 400, bad
    assert PromoCode.objects.filter(store=store).count() == 30


def test_usage_equals_a_recomputation_from_uses_and_orders(store, manager, code):
    variant = factories.product(store, "Écran", price="40000", stock=20).variants.get()
    method = factories.shipping_method(store, price="2000")
    plan = [("confirmed", Decimal(8000)), ("held", Decimal(8000)), ("confirmed", Decimal(16000)),
            ("released", Decimal(8000))]
    orders = []
    for index, (state, discount) in enumerate(plan):
        order = factories.placed_order(store, variant, method, quantity=index + 1, paid=state == "confirmed",
                                       email=f"c{index}@example.com")
        Redemption.objects.create(store=store, code=code, order_id=order.pk, email=order.email, state=state,
                                  discount=discount)
        orders.append(order)
    body = client_for(manager).get(f"{CODES}{code.pk}/usage/").json()

    def of(state, values):
        return sum((value for value, (s, _) in zip(values, plan, strict=True) if s == state), Decimal(0))

    assert (body["confirmed"], body["held"], body["released"]) == (2, 1, 1)
    assert Decimal(body["revenue_confirmed"]) == of("confirmed", [o.total for o in orders])
    assert Decimal(body["revenue_held"]) == of("held", [o.total for o in orders])
    assert Decimal(body["discount_confirmed"]) == 24000 and Decimal(body["discount_held"]) == 8000
    assert {use["order_number"] for use in body["uses"]} == {order.number for order in orders}


def test_lists_cost_the_same_queries_for_3_or_30_rows(store, manager, laptop, django_assert_max_num_queries):
    def make(start, count):
        for index in range(start, start + count):
            staff.save_promotion(store=store, user=manager, name=f"P{index}", kind="percent", value=Decimal(5),
                                 products=[laptop])
            staff.save_code(store=store, user=manager, code=f"C{index}", kind="items_percent", value=Decimal(5),
                            products=[laptop])

    api = client_for(manager)
    make(0, 3)
    budgets = {}
    for url in (PROMOTIONS, CODES):
        api.get(url)
        with django_assert_max_num_queries(15) as few:
            assert api.get(url).status_code == 200
        budgets[url] = len(few.captured_queries)
    make(3, 27)
    for url in (PROMOTIONS, CODES):
        with django_assert_max_num_queries(budgets[url]):
            assert len(api.get(url, {"page_size": 30}).json()["results"]) == 30


def test_every_operation_is_in_the_schema(client, store):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = schema["paths"]
    expected = {PROMOTIONS: {"get", "post"}, f"{PROMOTIONS}{{promotion_id}}/": {"get", "patch"},
                CODES: {"get", "post"}, f"{CODES}{{code_id}}/": {"get", "patch"},
                f"{CODES}{{code_id}}/usage/": {"get"}, f"{CODES}batch/": {"post"}}
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            assert {"401", "403"} <= set(paths[path][method]["responses"]), (path, method)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_code_created_at_once_by_ten_managers_exists_once_never_a_500(store, manager):
    from tests.threads import run_together

    def work(index):
        return client_for(manager).post(CODES, {"code": "flash50" if index % 2 else "FLASH50",
                                                "kind": "order_percent", "value": "50"}, format="json").status_code

    statuses = run_together(10, work)
    assert sorted(statuses) == [201] + [400] * 9
    assert PromoCode.objects.filter(store=store, code="FLASH50").count() == 1
