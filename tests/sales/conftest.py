"""Invoices made with the ORM, as the sales services store them: snapshots of the seller and the buyer,
lines rounded half-up to the currency one by one, totals that are the sum of the lines."""

from datetime import date
from decimal import Decimal

import pytest

from ashopy.core.money import percent_of, round_money
from ashopy.orders.models import Order
from ashopy.sales.models import Invoice, InvoiceLine
from tests import factories

FRENCH_SELLER = {
    "name": "Informatique Durand SAS", "trade_name": "Durand Bureautique",
    "address": "12 rue des Lilas\nBâtiment B", "postal_code": "75011", "city": "Paris", "country": "FR",
    "email": "factures@durand-bureautique.example", "legal_form": "SAS", "share_capital": "10 000 €",
    "siren": "912345678", "siret": "91234567800012", "rcs": "RCS Paris 912 345 678",
    "vat_number": "FR12912345678", "ninea": "", "rccm": "", "vat_exempt": False, "operation": "both",
    "payment_terms_days": 30, "late_penalty_rate": "10.00", "recovery_indemnity": "40.00", "logo": "",
}
EXEMPT_SELLER = FRENCH_SELLER | {
    "name": "Claire Martin", "trade_name": "Claire Martin Graphisme", "legal_form": "EI", "share_capital": "",
    "siren": "823456789", "siret": "82345678900021", "rcs": "", "vat_number": "", "vat_exempt": True,
    "operation": "services", "email": "claire@martin-graphisme.example",
}
SENEGALESE_SELLER = {
    "name": "Teranga Digital SARL", "trade_name": "Teranga Digital", "address": "Avenue Cheikh Anta Diop",
    "postal_code": "10700", "city": "Dakar", "country": "SN", "email": "compta@teranga.example",
    "legal_form": "SARL", "share_capital": "1 000 000 F CFA", "siren": "", "siret": "", "rcs": "",
    "vat_number": "", "ninea": "005123456 2G3", "rccm": "SN-DKR-2020-B-12345", "vat_exempt": False,
    "operation": "goods", "payment_terms_days": 15, "late_penalty_rate": "10.00", "recovery_indemnity": "",
    "logo": "",
}
FRENCH_BUYER = {
    "name": "Camille Petit", "email": "compta@atelier-petit.example", "company": "Atelier Petit SARL",
    "siren": "552100554", "vat_number": "FR40552100554", "first_name": "Camille", "last_name": "Petit",
    "line1": "3 place Bellecour", "line2": "", "postal_code": "69002", "city": "Lyon", "country": "FR",
    "phone": "+33 4 72 00 00 00",
}
SENEGALESE_BUYER = {
    "name": "Awa Diop", "email": "awa.diop@example.sn", "company": "", "siren": "", "vat_number": "",
    "first_name": "Awa", "last_name": "Diop", "line1": "Rue 10, Sicap Liberté", "line2": "",
    "postal_code": "", "city": "Dakar", "country": "SN", "phone": "+221 77 000 00 00",
}
DELIVERY = {
    "first_name": "Camille", "last_name": "Petit", "company": "Atelier Petit SARL", "line1": "Entrepôt 4",
    "line2": "ZI des Gaulnes", "postal_code": "69330", "city": "Meyzieu", "country": "FR", "phone": "",
}
# (description, SKU, quantity, unit price excl. tax, discount excl. tax, VAT rate)
FRENCH_LINES = [
    ("Ordinateur portable ThinkPad X1 Carbon", "TP-X1C", "1", "1250.00", "0", "20.00"),
    ("Souris sans fil", "MS-01", "2", "24.90", "4.98", "20.00"),
    ("Livre « Django pour les pros »", "BK-7", "3", "18.9573", "0", "5.50"),
]
SENEGALESE_LINES = [
    ("Ordinateur portable", "PC-15", "1", "350000", "0", "18.00"),
    ("Nuitée hôtel, chambre double", "", "2", "30000", "0", "10.00"),
    ("Clé USB 64 Go", "USB-64", "5", "2500", "0", "18.00"),
]


def make_invoice(store, *, seller, buyer, lines, kind=Invoice.Kind.INVOICE, number="", credited_invoice=None,
                 delivery=None, order=None, language="fr", amount_paid="0", reason="", notes="",
                 payment_method="Virement bancaire") -> Invoice:
    """A draft with its lines; `number` issues it the way the services do (transition, then save)."""
    invoice = Invoice.objects.create(
        store=store, kind=kind, currency=store.currency, language=language, seller=seller, buyer=buyer,
        delivery=delivery, order=order, credited_invoice=credited_invoice, sale_date=date(2026, 12, 3),
        payment_method=payment_method, reason=reason, notes=notes)
    for position, (description, sku, quantity, unit_price, discount, rate) in enumerate(lines):
        net = round_money(Decimal(quantity) * Decimal(unit_price) - Decimal(discount), store.currency)
        InvoiceLine.objects.create(
            invoice=invoice, position=position, description=description, sku=sku, quantity=Decimal(quantity),
            unit_price=Decimal(unit_price), discount=Decimal(discount), tax_rate=Decimal(rate), net=net,
            tax=round_money(percent_of(net, Decimal(rate)), store.currency))
    for field, value in invoice.recomputed_totals().items():
        setattr(invoice, field, value)
    invoice.amount_paid = Decimal(amount_paid)
    if number:
        invoice.number = number
        invoice.issue_date = date(2026, 12, 5)
        invoice.due_date = date(2027, 1, 4) if kind == Invoice.Kind.INVOICE else None
        invoice.issue()
    invoice.save()
    return invoice


@pytest.fixture
def french_store(db):
    return factories.StoreFactory(slug="paris", currency="EUR", country="FR", timezone="Europe/Paris",
                                  prices_include_tax=False)


@pytest.fixture
def senegalese_store(db):
    return factories.StoreFactory(slug="dakar", currency="XOF", country="SN")


@pytest.fixture
def french_order(french_store):
    return Order.objects.create(store=french_store, number="CMD-2026-00042", email=FRENCH_BUYER["email"],
                                currency="EUR", billing_address={})


@pytest.fixture
def french_invoice(french_store, french_order):
    return make_invoice(french_store, seller=FRENCH_SELLER, buyer=FRENCH_BUYER, lines=FRENCH_LINES,
                        number="FAC-2026-000017", delivery=DELIVERY, order=french_order, amount_paid="500.00",
                        notes="Merci de rappeler le numéro de facture avec votre virement.")


@pytest.fixture
def credit_note(french_store, french_invoice):
    return make_invoice(french_store, seller=FRENCH_SELLER, buyer=FRENCH_BUYER, kind=Invoice.Kind.CREDIT_NOTE,
                        lines=[FRENCH_LINES[1]], number="AV-2026-000003", credited_invoice=french_invoice,
                        reason="Souris retournées (défaut)")


@pytest.fixture
def exempt_invoice(french_store):
    lines = [("Création d'un logo", "", "1", "800.00", "0", "0.00"),
             ("Déclinaison pour les réseaux sociaux", "", "4", "45.00", "0", "0.00")]
    return make_invoice(french_store, seller=EXEMPT_SELLER, buyer=FRENCH_BUYER | {"vat_number": ""},
                        lines=lines, number="F-2026-0008")


@pytest.fixture
def senegalese_invoice(senegalese_store):
    return make_invoice(senegalese_store, seller=SENEGALESE_SELLER, buyer=SENEGALESE_BUYER,
                        lines=SENEGALESE_LINES, number="FAC-2026-000101", payment_method="Wave")
