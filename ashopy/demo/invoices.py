"""The demo's sales documents, made through the sales services as the back office would make them.

Each store gets its legal profile (Paris a SAS with its SIREN, SIRET and VAT number; Dakar a SARL with its
NINEA and RCCM), an invoice for every paid or delivered demo order (`invoice_order`, what the `order_paid`
consumer and the staff's "Issue the invoice" call), a first instalment recorded on the invoice of the
delivered cash-on-delivery order, and one partial credit note with its reason: in Dakar a returned item put
back in the main warehouse and refunded through the sandbox, in Paris a goodwill gesture left to refund.

Every step looks at what is there first, so a second run (`load_demo --reset` keeps the documents and the
orders they belong to) issues nothing twice.
"""

from decimal import Decimal

from django.db.models import Q

from ashopy.accounts.models import User
from ashopy.core.money import round_money
from ashopy.inventory.models import Warehouse
from ashopy.orders.models import Order
from ashopy.sales import services as sales
from ashopy.sales.models import Invoice, InvoicePayment
from ashopy.sales.profile import update_legal_profile
from ashopy.stores.models import Role, Store

# Registration numbers made up for the demo, each valid for python-stdnum (and aligned with the store's
# `tax_id` in structure.STORES).
LEGAL_PROFILES = {
    "dakar": {"legal_form": "SARL", "ninea": "009876543 2V2", "rccm": "SN-DKR-2019-B-12345",
              "operation": "goods", "payment_terms_days": 15, "late_penalty_rate": Decimal("10.00")},
    "paris": {"legal_form": "SAS", "share_capital": "50\u00a0000\u00a0€", "siren": "852369743",
              "siret": "85236974300012", "rcs": "RCS Paris 852 369 743", "vat_number": "FR91852369743",
              "operation": "goods", "payment_terms_days": 30,
              "late_penalty_rate": Decimal("12.00")},  # above three times the legal interest rate
}
FIRST_INSTALMENT = Decimal("0.4")  # of the delivered cash-on-delivery order's invoice
GOODWILL_EUR = Decimal("15.00")


def issue_documents(store: Store) -> list[Invoice]:
    """The store's legal profile, its orders' invoices, a part payment and a credit note; the invoices."""
    manager = _staff(store, Role.GESTIONNAIRE)
    seller = _staff(store, Role.VENDEUR) or manager
    update_legal_profile(store=store, user=manager, **LEGAL_PROFILES[store.slug])
    invoiced = (Order.objects.filter(store=store).filter(Q(paid_at__isnull=False) | Q(state=Order.State.DELIVERED))
                .order_by("id"))
    invoices = [sales.invoice_order(order=order, user=seller) for order in invoiced]
    _first_instalment(invoices, seller)
    if not Invoice.objects.filter(store=store, kind=Invoice.Kind.CREDIT_NOTE).exists():
        _credit_note(store, invoices, manager)
    return invoices


def _staff(store: Store, role: str) -> User | None:
    return User.objects.filter(memberships__store=store, memberships__role=role).order_by("id").first()


def _first_instalment(invoices: list[Invoice], seller: User) -> None:
    """The customer paid part of a delivered order's invoice at the counter: it is "partly paid"."""
    if InvoicePayment.objects.filter(invoice__in=invoices).exists():
        return
    unpaid = [invoice for invoice in invoices if invoice.amount_paid == 0 and invoice.total > 0]
    if not unpaid:
        return
    invoice = unpaid[0]
    sales.record_payment(invoice=invoice, user=seller, amount=round_money(invoice.total * FIRST_INSTALMENT,
                                                                          invoice.currency),
                         method=invoice.payment_method, reference="Acompte remis en boutique")


def _credit_note(store: Store, invoices: list[Invoice], manager: User) -> Invoice | None:
    """Dakar: one returned unit, back in the main warehouse and refunded; Paris: a goodwill amount, to refund."""
    delivered = [invoice for invoice in invoices
                 if invoice.order.state == Order.State.DELIVERED and invoice.amount_paid == invoice.total]
    if not delivered:
        return None
    invoice = delivered[0]
    if store.slug == "paris":
        return sales.credit(invoice=invoice, user=manager, amount=min(GOODWILL_EUR, invoice.total),
                            reason="Geste commercial : colis livré avec cinq jours de retard")
    line = invoice.lines.filter(order_line__isnull=False).order_by("net", "id").first()
    return sales.credit(invoice=invoice, user=manager, quantities={line.pk: Decimal(1)}, refund=True,
                        reason="Retour sous 14 jours : article rapporté non déballé",
                        restock_to=Warehouse.objects.get(store=store, code="entrepot"))
