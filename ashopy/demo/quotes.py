"""The demo's quotes (devis), made through the quote services as the back office and the customer would.

Per store: a draft still being written (for a prospect in Dakar), a quote sent with an optional line the
customer may tick, and a quote the customer accepted with its option, converted into an order whose 30 %
deposit was paid through the sandbox. A store that has quotes already gets none more (a second run,
`load_demo --reset`: quotes are kept with the orders they became).
"""

from decimal import Decimal

from ashopy.accounts.models import User
from ashopy.catalog.availability import with_stock
from ashopy.catalog.models import Variant
from ashopy.payments import providers
from ashopy.payments import services as payments
from ashopy.payments.providers import sandbox
from ashopy.sales import quote_acceptance
from ashopy.sales import quote_services as quotes
from ashopy.sales.quote_models import Quote
from ashopy.stores.models import Role, Store

RETURN_URLS = {"success": "http://localhost/", "cancel": "http://localhost/", "notify": "http://localhost/"}
DEPOSIT_PERCENT = Decimal(30)

# Per store: the draft's recipient (a customer's e-mail, or a prospect), the sent quote's customer, the accepted
# quote's customer and the name they typed, and the optional service offered with the equipment.
PLANS = {
    "dakar": {
        "draft": {"prospect_name": "Mariama Diallo", "prospect_company": "Lycée Seydina Limamou Laye",
                  "prospect_email": "intendance@lycee-sll.ashopy.test"},
        "sent": "institution@ashopy.test",
        "accepted": ("entreprise@ashopy.test", "Khady Mbaye"),
        "service": ("Installation et configuration sur site (Dakar)", Decimal(35000)),
    },
    "paris": {
        "draft": {"customer": "lea.girard@ashopy.test"},
        "sent": "antoine.roux@ashopy.test",
        "accepted": ("antoine.roux@ashopy.test", "Antoine Roux"),
        "service": ("Installation et transfert des données sur site", Decimal("89.00")),
    },
}


def make_quotes(store: Store) -> list[Quote]:
    """The store's three demo quotes (none when it has quotes already)."""
    plan = PLANS.get(store.slug)
    seller = User.objects.filter(memberships__store=store, memberships__role=Role.VENDEUR).order_by("id").first()
    variants = _variants(store)
    if plan is None or seller is None or len(variants) < 3 or Quote.objects.filter(store=store).exists():
        return []
    return [_draft(store, seller, plan, variants), _sent(store, seller, plan, variants),
            _accepted(store, seller, plan, variants)]


def _variants(store: Store) -> list[Variant]:
    """A few well-stocked variants of different products, taken from the end of the catalogue (the orders take
    theirs from its start)."""
    stocked = (with_stock(Variant.objects.filter(store=store, active=True, product__status="published",
                                                 product__retailproduct__isnull=False))
               .filter(available__gte=10).order_by("-product_id", "id"))
    chosen: dict[int, Variant] = {}
    for variant in stocked[:200]:
        chosen.setdefault(variant.product_id, variant)
    return list(chosen.values())[:3]


def _customer(email: str) -> User:
    return User.objects.get(email=email)


def _draft(store: Store, seller: User, plan: dict, variants: list[Variant]) -> Quote:
    recipient = dict(plan["draft"])
    if "customer" in recipient:
        recipient["customer"] = _customer(recipient["customer"])
    quote = quotes.create_quote(store=store, user=seller, notes="Prix à confirmer après la visite du site.",
                                **recipient)
    quotes.add_catalogue_line(quote=quote, user=seller, variant=variants[0], quantity=5)
    return quote


def _with_option(store: Store, seller: User, plan: dict, variant: Variant, customer: User, **fields) -> Quote:
    """A quote for two units of `variant` and, as an option the customer may tick, the on-site service."""
    quote = quotes.create_quote(store=store, user=seller, customer=customer,
                                terms="Livraison sous 10 jours ouvrés après acceptation.", **fields)
    quotes.add_catalogue_line(quote=quote, user=seller, variant=variant, quantity=2)
    description, price = plan["service"]
    quotes.add_free_line(quote=quote, user=seller, description=description, quantity=1, unit_price=price,
                         optional=True)
    return quotes.send_quote(quote=quote, user=seller)


def _sent(store: Store, seller: User, plan: dict, variants: list[Variant]) -> Quote:
    return _with_option(store, seller, plan, variants[1], _customer(plan["sent"]))


def _accepted(store: Store, seller: User, plan: dict, variants: list[Variant]) -> Quote:
    """Accepted with its option by the customer, converted into an order; the deposit paid in the sandbox
    when the store offers it (the order then waits for the balance)."""
    email, name = plan["accepted"]
    customer = _customer(email)
    quote = _with_option(store, seller, plan, variants[2], customer, deposit_percent=DEPOSIT_PERCENT)
    option = quote.lines.get(optional=True)
    quote = quote_acceptance.accept_quote(quote=quote, name=name, accepted_terms=True, options=[option.pk],
                                          ip="127.0.0.1", user_agent="ashopy demo", user=customer)
    if providers.get(store, "sandbox") is not None:
        payment = quote_acceptance.start_quote_payment(quote=quote, provider_code="sandbox", urls=RETURN_URLS)
        body = sandbox.notification_body(reference=payment.reference, outcome="succeeded")
        payments.handle_notification(store=store, provider_code="sandbox", body=body,
                                     headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})
    return quote
