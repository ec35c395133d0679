"""Issued documents for the journal's tests: Dakar (XOF, 18 % and 10 %) and Paris (EUR, 20 % and 5.5 %).

Documents are made the way a shop makes them: orders placed and paid through the checkout, then
invoiced and credited by the sales services, on the days `time_machine` says.
"""

from datetime import UTC, date, datetime
from decimal import Decimal

import time_machine

from ashopy.cart import services as cart_services
from ashopy.catalog.models import TaxClass
from ashopy.pricing.models import TaxRate
from ashopy.sales import services
from ashopy.sales.models import SellerProfile
from tests import factories

from .test_invoices import complete_profile

# Mid-morning UTC: the same calendar day in Dakar (UTC) and in Paris (UTC+1/+2).
PERIOD = (date(2026, 3, 1), date(2026, 3, 31))
BEFORE, FIRST_DAY, MIDDLE, LAST_DAY, AFTER = (date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 12),
                                             date(2026, 3, 31), date(2026, 4, 1))


def on(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC), tick=False)


def reduced_rate(store, rate: str):
    tax_class = TaxClass.objects.create(store=store, code="reduced", name="Réduit")
    TaxRate.objects.create(store=store, tax_class=tax_class, rate=Decimal(rate))
    return tax_class


def variant(store, name: str, price: str, tax_class=None):
    variant = factories.product(store, name, price=price, stock=500).variants.get()
    if tax_class is not None:
        variant.tax_class = tax_class
        variant.save(update_fields=["tax_class"])
    return variant


def sale(store, method, customer, items, **billing):
    """An invoice of a paid order of `items` ((variant, quantity) pairs) by `customer`."""
    (first, quantity), *others = items
    cart = cart_services.get_cart(store=store, user=customer, create=True)
    for other, count in others:
        cart_services.add(cart=cart, variant_id=other.pk, quantity=count)
    order = factories.placed_order(store, first, method, user=customer, quantity=quantity, paid=True, **billing)
    return services.invoice_order(order=order)


def complete_french_profile(store):
    store.legal_name, store.address, store.city, store.postal_code = "Paris Boutique SAS", "1 rue de Rivoli", \
        "Paris", "75001"
    store.save()
    SellerProfile.objects.update_or_create(store=store, defaults={
        "legal_form": "SAS", "siren": "732829320", "vat_number": "FR44732829320"})
    return store


class Dakar:
    """Store A's documents: invoices at 18 % and 10 % over March, one credit note, and what must stay out."""

    def __init__(self, store, manager, customer, *, invoices: int = 3):
        complete_profile(store)
        books = reduced_rate(store, "10")
        self.laptop = variant(store, "ThinkPad X1", "59000")
        self.book = variant(store, "Livre", "5500", books)
        self.method = method = factories.shipping_method(store, price="2000")
        days = [FIRST_DAY, MIDDLE, LAST_DAY]
        with on(BEFORE):
            self.before = sale(store, method, customer, [(self.laptop, 1)])
        self.invoices = []
        for index in range(invoices):
            items = [(self.laptop, 1 + index % 2), (self.book, 3)] if index % 3 != 1 else [(self.book, 1)]
            with on(days[index % 3]):
                self.invoices.append(sale(store, method, customer, items, company="Sonatel" if index == 0 else ""))
        with on(MIDDLE):
            first = self.invoices[0]
            self.credit_note = services.credit(invoice=first, user=manager, reason="Geste commercial",
                                               amount=Decimal(11900))
            # Credited in the period, the invoice before it: the credit note is in, the invoice out.
            self.late_credit = services.credit(invoice=self.before, user=manager, reason="Retour",
                                               quantities={self.before.lines.get(position=1).pk: 1})
            self.draft = services.draft_for_order(order=factories.placed_order(
                store, self.laptop, method, user=customer, paid=True))
        with on(AFTER):
            self.after = sale(store, method, customer, [(self.book, 2)])

    @property
    def in_period(self):
        return [*self.invoices, self.credit_note, self.late_credit]


class Paris:
    """Store B's documents: EUR at 20 % and 5.5 % (free delivery), 1 234,50 € excl. tax at 20 %."""

    def __init__(self, store):
        complete_french_profile(store)
        food = reduced_rate(store, "5.5")
        self.chair = variant(store, "Chaise", "1481.40")  # 1 234,50 € + 20 % (prices include tax)
        self.bread = variant(store, "Pain", "2.11", food)
        method = factories.shipping_method(store, price="0")
        customer = factories.UserFactory(email="client@paris.example.com", registered_store=store)
        with on(MIDDLE):
            self.invoice = sale(store, method, customer, [(self.chair, 1), (self.bread, 3)], country="FR")
