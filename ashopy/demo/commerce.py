"""Demo shipping methods and a few orders, placed and moved through the real services."""

from decimal import Decimal

from ashopy.accounts.models import User
from ashopy.cart import services as cart_services
from ashopy.cart.models import Cart
from ashopy.catalog.availability import with_stock
from ashopy.catalog.models import Variant
from ashopy.checkout import services as checkout
from ashopy.orders import services as orders
from ashopy.orders.models import Order
from ashopy.payments import providers
from ashopy.payments import services as payments
from ashopy.payments.models import Payment, PaymentEvent
from ashopy.payments.providers import sandbox
from ashopy.pricing.resolver import PricingPolicy
from ashopy.sales.models import Invoice
from ashopy.sales.quote_models import Quote
from ashopy.shipping import services as shipping
from ashopy.shipping.models import ShippingMethod
from ashopy.stores.models import Store

METHODS = {
    "dakar": [
        {"name": "Livraison à Dakar", "kind": "flat", "price": Decimal(2000), "free_above": Decimal(150000),
         "countries": ["SN"], "min_days": 1, "max_days": 2},
        {"name": "Retrait en boutique (Almadies)", "kind": "pickup", "price": Decimal(0), "min_days": 0,
         "max_days": 1, "pickup_address": "Route des Almadies, immeuble Kébé"},
        {"name": "Colis régions et Afrique de l'Ouest", "kind": "weight", "countries": ["SN", "ML", "CI", "GN", "GM"],
         "min_days": 3, "max_days": 7, "bands": [(2, 3500), (5, 6000), (20, 12000), (60, 25000)]},
    ],
    "paris": [
        {"name": "Colissimo", "kind": "weight", "countries": ["FR", "BE", "LU"], "min_days": 2, "max_days": 3,
         "free_above": Decimal(100), "bands": [(1, "5.90"), (5, "8.90"), (30, "14.90"), (60, "29.90")]},
        {"name": "Retrait au magasin (Paris 11e)", "kind": "pickup", "price": Decimal(0), "min_days": 0,
         "max_days": 1, "pickup_address": "18 rue du Faubourg Saint-Antoine, 75011 Paris"},
    ],
}

# Per store: (customer e-mail, payment method, what happens next, number of lines)
ORDERS = {
    "dakar": [
        ("client@ashopy.test", "sandbox", "delivered", 2),
        ("etudiant@ashopy.test", "sandbox", "shipped", 1),
        ("pro@ashopy.test", "cash_on_delivery", "delivered", 3),
        ("entreprise@ashopy.test", "bank_transfer", "", 2),
        ("client@ashopy.test", "sandbox", "processing", 1),
    ],
    "paris": [
        ("lea.girard@ashopy.test", "sandbox", "delivered", 2),
        ("antoine.roux@ashopy.test", "sandbox", "shipped", 1),
        ("lea.girard@ashopy.test", "bank_transfer", "", 1),
        ("antoine.roux@ashopy.test", "sandbox", "processing", 2),
    ],
}

# Per store: (carrier, tracking page)
CARRIERS = {"dakar": ("DHL", "https://www.dhl.com/sn-fr/home/suivi.html?tracking-id={number}"),
            "paris": ("Colissimo", "https://www.laposte.fr/outils/suivre-vos-envois?code={number}")}


def has_documents(store: Store) -> bool:
    """Whether the store has invoices, credit notes or quotes: its order book is then kept by `wipe`."""
    return Invoice.objects.filter(store=store).exists() or Quote.objects.filter(store=store).exists()


def wipe(store: Store) -> None:
    """Demo rebuild only: orders are business records, never deleted by the shop itself.

    A store with sales documents keeps its whole order book: an issued invoice is never deleted (the
    model and, on PostgreSQL, a trigger refuse it) and it keeps the order it invoices, as a converted
    quote keeps its order; so the orders, their payments and documents stay as they are, and
    `sample_orders` places no more there.
    """
    if not has_documents(store):
        PaymentEvent.objects.filter(payment__store=store).delete()
        Payment.objects.filter(store=store).delete()
        Order.objects.filter(store=store).delete()
    Cart.objects.filter(store=store).delete()
    ShippingMethod.objects.filter(store=store).delete()


def shipping_methods(store: Store) -> None:
    for fields in METHODS.get(store.slug, []):
        shipping.save_method(store=store, **fields)


def _address(user: User) -> dict:
    saved = user.addresses.first()
    return {name: str(getattr(saved, name, "") or "") for name in checkout.ADDRESS_FIELDS}


def sample_orders(store: Store) -> int:
    """A few orders in different states, for the back office and the customers' accounts (none in a store
    that kept its orders)."""
    if Order.objects.filter(store=store).exists():
        return 0
    stocked = (with_stock(Variant.objects.filter(store=store, active=True, product__status="published"))
               .filter(available__gte=5).order_by("product__category_id", "product_id", "id"))
    by_category: dict[int, Variant] = {}  # one variant of each category, so the orders mix the catalogue
    for variant in stocked.select_related("product")[:2000]:
        by_category.setdefault(variant.product.category_id, variant)
    variants = list(by_category.values())
    method = ShippingMethod.objects.filter(store=store).exclude(kind="pickup").order_by("id").first()
    if not variants or method is None:
        return 0
    staff = User.objects.filter(memberships__store=store, memberships__role="gestionnaire").first()
    placed = 0
    for index, (email, payment_method, then, count) in enumerate(ORDERS.get(store.slug, [])):
        if providers.get(store, payment_method) is None:
            continue  # the sandbox is off outside the demo settings
        user = User.objects.get(email=email)
        cart = cart_services.get_cart(store=store, user=user, create=True)
        for offset in range(count):
            cart_services.add(cart=cart, variant_id=variants[(index * 3 + offset) % len(variants)].pk, quantity=1)
        details = checkout.Details(email=email, billing_address=_address(user), shipping_address=_address(user),
                                   shipping_method_id=method.pk, payment_method=payment_method)
        order, payment = checkout.place_order(cart=cart, user=user, policy=PricingPolicy(store, user),
                                              details=details, language="fr")
        checkout.start_payment(order=order, payment=payment, urls={
            "success": "http://localhost/", "cancel": "http://localhost/", "notify": "http://localhost/"})
        if payment_method == "sandbox":
            body = sandbox.notification_body(reference=payment.reference, outcome="succeeded")
            payments.handle_notification(store=store, provider_code="sandbox", body=body,
                                         headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})
        if then in ("processing", "shipped", "delivered"):
            orders.process(order=order, user=staff)
        if then in ("shipped", "delivered"):
            carrier, tracking_url = CARRIERS[store.slug]
            number = f"JD0146000{index}"
            orders.ship(order=order, user=staff, carrier=carrier, tracking_number=number,
                        tracking_url=tracking_url.format(number=number))
        if then == "delivered":
            orders.deliver(order=order, user=staff)
        placed += 1
    return placed
