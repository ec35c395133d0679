"""factory-boy factories for the tests. Catalogue objects are made through the services."""

from decimal import Decimal

import factory

from ashopy.accounts.models import Partner, User
from ashopy.accounts.services import assign_role
from ashopy.catalog import services as catalog
from ashopy.catalog.models import Attribute, AttributeChoice, ProductType, TaxClass, Variant
from ashopy.inventory import services as inventory
from ashopy.inventory.models import Stock, Warehouse
from ashopy.pricing.models import SegmentDiscount, TaxRate
from ashopy.stores.models import Store, StoreDomain

PASSWORD = "correct-horse-battery-9"


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.LazyAttribute(lambda o: o.slug.title())
    slug = factory.Sequence(lambda n: f"store-{n}")
    currency = "XOF"
    country = "SN"
    prices_include_tax = True
    legal_name = factory.LazyAttribute(lambda o: f"{o.name} SARL")

    @factory.post_generation
    def domain(self, create, extracted, **kwargs):
        if create and extracted:
            StoreDomain.objects.get_or_create(store=self, domain=extracted, defaults={"is_primary": True})

    @factory.post_generation
    def vat(self, create, extracted, **kwargs):
        if create:
            rate = Decimal(extracted) if extracted is not None else Decimal(18 if self.currency == "XOF" else 20)
            tax_class, _ = TaxClass.objects.get_or_create(store=self, code="standard",
                                                          defaults={"name": "Standard", "is_default": True})
            TaxRate.objects.get_or_create(store=self, tax_class=tax_class, defaults={"rate": rate})


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = "Awa"
    last_name = "Diop"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


def staff(store, role, **fields) -> User:
    user = UserFactory(**fields)
    return assign_role(user=user, store=store, role=role)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = "UCAD"
    kind = Partner.Kind.UNIVERSITE
    discount_percent = Decimal(5)


def segment_discount(store, segment="etudiant", percent=10):
    return SegmentDiscount.objects.create(store=store, segment=segment, percent=Decimal(percent))


def category(store, name="Ordinateurs", parent=None, **fields):
    return catalog.create_category(store=store, parent=parent, name=name, **fields)


def brand(store, name="Lenovo"):
    return catalog.save_brand(store=store, name=name)


def product(store, name="ThinkPad X1", *, category_=None, brand_=None, price="500000", sale_price=None,
            variants=None, status="published", stock=None, **fields):
    """A product; with `stock`, that many units of each variant are received in the main warehouse."""
    category_ = category_ or category(store, name=f"Catégorie {name}")
    variants = variants or [{"price": Decimal(price), "sale_price": Decimal(sale_price) if sale_price else None}]
    made = catalog.create_product(store=store, name=name, category=category_, brand=brand_, status=status,
                                  variants=variants, **fields)
    if stock:
        for variant in made.variants.all():
            receive(variant, stock)
    return made


def warehouse(store, code="main", *, priority=1, kind="main", is_active=True, name=None) -> Warehouse:
    """The store's warehouse `code`, created through the stock service the first time."""
    return (Warehouse.objects.filter(store=store, code=code).first()
            or inventory.save_warehouse(store=store, code=code, name=name or code.title(), priority=priority,
                                        kind=kind, is_active=is_active))


def receive(variant: Variant, quantity: int, *, warehouse_=None, threshold=None, unit_cost=None) -> Stock:
    """Receive `quantity` units of `variant` (in the main warehouse by default) and optionally set its
    low-stock threshold: the stock row."""
    store = variant.store
    warehouse_ = warehouse_ or warehouse(store)
    inventory.receive(store=store, variant=variant, warehouse=warehouse_, quantity=quantity, unit_cost=unit_cost)
    row = Stock.objects.get(variant=variant, warehouse=warehouse_)
    if threshold is not None:
        row = inventory.set_levels(stock=row, low_stock_threshold=threshold)
    return row


def laptop_type(store):
    """A product type with one attribute of each kind."""
    kind = ProductType.objects.create(store=store, name="Ordinateur portable", slug="ordinateur-portable")
    Attribute.objects.create(product_type=kind, name="Processeur", slug="cpu", kind="text", position=1)
    Attribute.objects.create(product_type=kind, name="RAM", slug="ram", kind="integer", unit="Go", position=2)
    Attribute.objects.create(product_type=kind, name="Écran", slug="ecran", kind="decimal", unit="pouces",
                             position=3)
    Attribute.objects.create(product_type=kind, name="Tactile", slug="tactile", kind="boolean", position=4)
    colour = Attribute.objects.create(product_type=kind, name="Couleur", slug="couleur", kind="choice", position=5)
    AttributeChoice.objects.create(attribute=colour, value="Noir", slug="noir", position=1)
    AttributeChoice.objects.create(attribute=colour, value="Argent", slug="argent", position=2)
    return kind



def shipping_method(store, name="Livraison standard", *, kind="flat", price="2000", bands=(), **fields):
    """A store's shipping method; `bands` are (max kg, price) pairs for a weight method."""
    from ashopy.shipping.models import ShippingMethod, WeightBand

    method = ShippingMethod.objects.create(store=store, name=name, kind=kind, price=Decimal(price), **fields)
    WeightBand.objects.bulk_create(WeightBand(method=method, max_weight_kg=Decimal(str(weight)), price=Decimal(str(p)))
                                   for weight, p in bands)
    return method


def address(**overrides) -> dict:
    """A checkout address as the checkout takes it (a plain dict)."""
    return {"first_name": "Awa", "last_name": "Diop", "company": "", "line1": "12 rue Carnot", "line2": "",
            "postal_code": "10000", "city": "Dakar", "country": "SN", "phone": "", **overrides}


def checkout_details(method, *, payment_method="sandbox", email="client@example.com", **overrides):
    from ashopy.checkout.services import Details

    values = {"email": email, "billing_address": address(), "shipping_address": address(),
              "shipping_method_id": method.pk, "payment_method": payment_method, **overrides}
    return Details(**values)


RETURN_URLS = {"success": "http://testserver/ok", "cancel": "http://testserver/ko", "notify": "http://testserver/hook"}


def placed_order(store, variant, method, *, user=None, quantity=1, payment_method="sandbox", paid=False,
                 email=None, language="en", **billing):
    """An order placed through the checkout services (by `user`, or a guest), its payment started; paid
    through a signed sandbox notification when `paid`. Billing address fields may be overridden."""
    from ashopy.cart import services as cart_services
    from ashopy.checkout import services as checkout
    from ashopy.payments import services as payments
    from ashopy.payments.providers import sandbox
    from ashopy.pricing.resolver import PricingPolicy

    cart = cart_services.get_cart(store=store, user=user, create=True)
    cart_services.add(cart=cart, variant_id=variant.pk, quantity=quantity)
    details = checkout_details(method, payment_method=payment_method,
                               email=email or (user.email if user is not None else "client@example.com"),
                               billing_address=address(**billing))
    order, payment = checkout.place_order(cart=cart, user=user, policy=PricingPolicy(store, user), details=details,
                                          language=language)
    payment = checkout.start_payment(order=order, payment=payment, urls=RETURN_URLS)
    if paid:
        body = sandbox.notification_body(reference=payment.reference, outcome="succeeded")
        payments.handle_notification(store=store, provider_code="sandbox", body=body,
                                     headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})
    order.refresh_from_db()
    return order
