"""The credit note page: what remains creditable per line, quantities or an amount, a reason, restock and
refund on request; the form's errors and the service's refusals change nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ashopy.inventory.models import Stock, StockMovement
from ashopy.payments.models import Payment
from ashopy.sales import services
from ashopy.sales.models import Invoice
from tests import factories

from .conftest import browser, paid_order

pytestmark = [pytest.mark.django_db]


def url(invoice) -> str:
    return reverse("staff_sales:credit_note", args=[invoice.pk])


def goods(invoice):
    return invoice.lines.get(position=1)


def notes():
    return Invoice.objects.filter(kind="credit_note")


def test_the_form_lists_each_line_with_what_is_still_creditable(manager, invoice):
    services.credit(invoice=invoice, user=manager, reason="Casse", quantities={goods(invoice).pk: 1})
    response = browser(manager).get(url(invoice))
    form = response.context["form"]
    rows = {line.pk: left for line, left, _field in form.line_fields()}
    assert rows[goods(invoice).pk] == 2 and len(rows) == 2  # 3 units less 1 credited; the delivery
    page = response.content.decode()
    assert f'name="line_{goods(invoice).pk}"' in page and "ThinkPad X1" in page


def test_chosen_quantities_make_an_issued_credit_note_and_the_goods_go_back_in_stock(manager, invoice, store):
    warehouse = Stock.objects.get(variant=goods(invoice).order_line.variant).warehouse
    before = Stock.objects.get(variant=goods(invoice).order_line.variant, warehouse=warehouse).on_hand
    response = browser(manager).post(url(invoice), {f"line_{goods(invoice).pk}": "2", "reason": "Retour client",
                                                    "restock_to": warehouse.pk})
    note = notes().get()
    assert response.status_code == 302 and response.url == reverse("staff_sales:invoice_detail", args=[note.pk])
    assert note.is_issued and note.reason == "Retour client" and note.lines.get().quantity == 2
    stock = Stock.objects.get(variant=goods(invoice).order_line.variant, warehouse=warehouse)
    assert stock.on_hand == before + 2
    assert StockMovement.objects.filter(reference=f"credit_note:{note.pk}").count() == 1


def test_an_amount_refunded_through_the_original_payment(manager, invoice):
    response = browser(manager, language="fr").post(url(invoice), {"amount": "11 800", "reason": "Geste",
                                                                   "refund": "on"})
    note = notes().get()
    assert response.status_code == 302 and note.total == 11800 and note.payment_state == "paid"
    payment = Payment.objects.get(order=invoice.order, status__in=("succeeded", "refunded"))
    assert payment.refunded_amount == 11800


def test_an_offline_payment_cannot_be_refunded_here_and_says_what_to_do(manager, store, variant, method,
                                                                         customer, complete):
    from ashopy.payments import services as payments

    order = factories.placed_order(store, variant, method, user=customer, payment_method="bank_transfer")
    payments.mark_paid_by_hand(order=order, user=manager)
    invoice = services.invoice_order(order=order)
    response = browser(manager).post(url(invoice), {"amount": "1000", "reason": "Geste", "refund": "on"},
                                     follow=True)
    assert "could not be refunded through its provider" in response.content.decode()
    assert notes().get().amount_paid == 0  # the refund is left to record by hand


@pytest.mark.parametrize("data", [
    {"line": "4", "reason": "Trop"},  # more than the 3 invoiced
    {"line": "-1", "reason": "Négatif"},
    {"line": "abc", "reason": "Pas un nombre"},
    {"line": "1e400", "reason": "Énorme"},
    {"line": "1", "reason": ""},  # the reason is required
    {"line": "1", "amount": "1000", "reason": "Les deux"},
    {"reason": "Rien"},
    {"amount": "-5", "reason": "Négatif"},
    {"amount": "12.5", "reason": "Centimes de franc"},
    {"amount": "9" * 30, "reason": "Énorme"},
    {"amount": "1000", "reason": "Stock sans lignes", "restock_to": "main"},
    {"line": "1", "reason": "Entrepôt inconnu", "restock_to": "999999"},
    {"line": "1", "reason": "Trop long" * 50},
])
def test_bad_input_is_a_form_error_and_nothing_is_credited(manager, invoice, data):
    fields = {key: value for key, value in data.items() if key != "line"}
    if "line" in data:
        fields[f"line_{goods(invoice).pk}"] = data["line"]
    if fields.get("restock_to") == "main":
        fields["restock_to"] = str(Stock.objects.first().warehouse_id)
    response = browser(manager).post(url(invoice), fields)
    assert response.status_code == 400, response.status_code
    assert response.context["form"].errors
    assert not notes().exists() and not StockMovement.objects.filter(reason="return").exists()


def test_another_stores_warehouse_is_not_a_choice(manager, invoice, other_store):
    theirs = factories.warehouse(other_store, "paris")
    response = browser(manager).post(url(invoice), {f"line_{goods(invoice).pk}": "1", "reason": "x",
                                                    "restock_to": theirs.pk})
    assert response.status_code == 400 and "restock_to" in response.context["form"].errors
    assert not notes().exists()


def test_the_services_refusal_is_a_message_and_changes_nothing(manager, invoice):
    services.credit(invoice=invoice, user=manager, reason="Presque tout", amount=invoice.total - 1000)
    response = browser(manager).post(url(invoice), {"amount": "2000", "reason": "Trop"})
    assert response.status_code == 400
    assert "more than what remains on the invoice" in " ".join(str(m) for m in response.context["messages"])
    assert notes().count() == 1


def test_a_credit_note_or_a_draft_is_not_credited(manager, invoice, draft):
    note = services.credit(invoice=invoice, user=manager, reason="Geste", amount=Decimal(1000))
    for document in (note, draft):
        response = browser(manager).get(url(document), follow=True)
        assert "Only an issued invoice can be credited." in response.content.decode()
    assert notes().count() == 1


def test_a_fully_credited_invoice_offers_no_credit_note(manager, store, variant, method, customer, complete):
    invoice = services.invoice_order(order=paid_order(store, variant, method, customer, quantity=1))
    services.credit(invoice=invoice, user=manager, reason="Tout", amount=invoice.total)
    page = browser(manager).get(reverse("staff_sales:invoice_detail", args=[invoice.pk])).content.decode()
    assert url(invoice) not in page
