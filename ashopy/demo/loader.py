"""load_demo: two complete demo stores, built through the apps' services.

The command loads it only into a database without stores, so a second `make demo` keeps what
the merchant created; `load_demo --reset` rebuilds: each demo store keeps its row (so Dakar keeps
the lowest id and keeps answering localhost) while its catalogue, stock and settings are wiped
and rebuilt from the same seeded data; the demo people are updated in place. A store that has
issued invoices keeps its orders and their documents (an issued invoice is never deleted, see
commerce.wipe), and nothing is invoiced twice.
"""

import io
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.management import call_command
from django.db import transaction
from stdnum import ean

from ashopy.accounts import services as accounts
from ashopy.accounts.models import Segment, User
from ashopy.catalog import services as catalog
from ashopy.catalog.models import Brand, Category, Product, ProductType, TaxClass
from ashopy.inventory import services as inventory
from ashopy.pos import services as pos_services
from ashopy.pricing import services as pricing
from ashopy.purchasing import services as purchasing
from ashopy.stores.models import Role, Store
from ashopy.stores.services import save_store

from . import codes, commerce, invoices, pos, quotes, stock, structure
from .images import ensure_image
from .products import retail_plans
from .realestate import lot_plans

XOF_PER_EUR = Decimal("655.957")
STORE_CODES = {"dakar": ("DKR", 1), "paris": ("PAR", 2)}
WEIGHTS = {"laptop": "1.600", "refurbished": "1.500", "desktop": "5.500", "smartphones": "0.200",
           "tablettes": "0.500"}


@dataclass(frozen=True)
class Login:
    email: str
    role: str
    store: str


@dataclass
class Context:
    """One store's catalogue being built: what products refer to, fetched once."""

    store: Store
    categories: dict[str, Category]
    brands: dict[str, Brand]
    tax_classes: dict[str, TaxClass]
    product_types: dict[str, ProductType]
    depots: stock.Depots


def logins() -> list[Login]:
    """The demo's accounts, as `load_demo` creates them (printed by the command whether it loaded or kept)."""
    found = [Login(structure.SUPERUSER[0], "superuser", "")]
    for email, _first, _last, _phone, role, slug, segment, member in structure.PEOPLE:
        terms = ", ".join(filter(None, [str(Segment(segment).label).lower() if segment else "",
                                        structure.PARTNER["name"] if member else ""]))
        found.append(Login(email, f"{role} ({terms})" if terms else role,
                           structure.STORES[slug]["name"] if role != Role.CLIENT else ""))
    return found


def is_loaded() -> bool:
    """Whether the database already holds a store: the demo then keeps it (``load_demo --reset`` rebuilds)."""
    return Store.objects.exists()


def load_demo(*, products: int | None = None) -> list[Login]:
    """Build (or rebuild) both demo stores and their people; `products` caps each store's catalogue."""
    call_command("setup_roles", stdout=io.StringIO())
    with transaction.atomic():
        stores = {slug: _store(slug) for slug in structure.STORES}
        for slug, store in stores.items():
            commerce.wipe(store)
            _wipe(store)
            _settings(store)
            commerce.shipping_methods(store)
            codes.promo_codes(store)
            context = Context(store, _categories(store), {},
                              {t.code: t for t in TaxClass.objects.filter(store=store)},
                              {t.slug: t for t in ProductType.objects.filter(store=store)}, stock.prepare(store))
            for index, plan in enumerate(_plans(slug, products)):
                _product(context, plan, index)
        _people(stores)
        for store in stores.values():
            commerce.sample_orders(store)
            invoices.issue_documents(store)
            quotes.make_quotes(store)
            pos.open_tills(store)
    return logins()


def _store(slug: str) -> Store:
    fields = dict(structure.STORES[slug])
    return save_store(slug=slug, **fields)


def _wipe(store: Store) -> None:
    """Remove what load_demo rebuilds; stock goes first (its ledger protects variants), then products
    (categories and tax classes are protected).

    Products go in one queryset delete rather than one `delete_product` each: after a
    `generate_catalog` run there may be a hundred thousand of them.
    """
    pos_services.delete_store_pos(store=store)
    purchasing.delete_store_purchasing(store=store)
    inventory.delete_store_stock(store=store)
    Product.objects.filter(store=store).non_polymorphic().delete()
    for category in Category.objects.filter(store=store, depth=Category.TOP_DEPTH):
        catalog.delete_category(category=category)
    for brand in Brand.objects.filter(store=store):
        catalog.delete_brand(brand=brand)
    # Tax classes, rates, segment discounts and product types are updated in place by _settings().


def _settings(store: Store) -> None:
    for code, name, rate, is_default in structure.TAX_CLASSES[store.slug]:
        tax_class = catalog.save_tax_class(store=store, code=code, name=name, is_default=is_default)
        pricing.set_tax_rate(tax_class=tax_class, rate=rate)
    for segment, percent in structure.SEGMENT_DISCOUNTS.items():
        pricing.set_segment_discount(store=store, segment=segment, percent=percent)
    for slug in structure.STORE_PRODUCT_TYPES[store.slug]:
        name, attributes = structure.PRODUCT_TYPES[slug]
        catalog.save_product_type(store=store, name=name, slug=slug, attributes=[
            {"slug": a, "name": n, "kind": k, "unit": u, "choices": c} for a, n, k, u, c in attributes])


def _categories(store: Store) -> dict[str, Category]:
    created: dict[str, Category] = {}
    for position, row in enumerate(structure.CATEGORIES):
        slug, name, parent, description, *only = row
        if only and only[0] != store.slug:
            continue
        created[slug] = catalog.create_category(store=store, parent=created.get(parent), name=name, slug=slug,
                                                description=description, position=position)
    return created


def _plans(slug: str, limit: int | None) -> list[dict]:
    """The store's plans; with a limit, taken in turn from each family so every kind appears."""
    plans = retail_plans(slug) + (lot_plans() if slug == "dakar" else [])
    if limit is None or limit >= len(plans):
        return plans
    families: dict[str, list[dict]] = {}
    for plan in plans:
        families.setdefault(plan["family"], []).append(plan)
    queues = list(families.values())
    chosen = []
    while len(chosen) < limit:
        for queue in queues:
            if queue and len(chosen) < limit:
                chosen.append(queue.pop(0))
    return chosen


def _price(store: Store, plan: dict, extra) -> Decimal:
    if plan.get("xof") is not None:
        return plan["xof"]
    euros = Decimal(plan["eur"]) + Decimal(extra)
    if store.currency == "EUR":
        return euros.quantize(Decimal("0.01"))
    return (euros * XOF_PER_EUR * Decimal("1.1") / 500).quantize(Decimal(1), ROUND_HALF_UP) * 500


def _sale(store: Store, price: Decimal, percent: int) -> Decimal:
    reduced = price * (100 - percent) / 100
    if store.currency == "EUR":
        return reduced.quantize(Decimal(1), ROUND_HALF_UP) - Decimal("0.01")
    return (reduced / 500).quantize(Decimal(1), ROUND_HALF_UP) * 500


def _barcode(store: Store, number: int) -> str:
    body = f"20{STORE_CODES[store.slug][1]}{number:09d}"  # 20x: the in-store (restricted circulation) range
    return body + ean.calc_check_digit(body)


def _variants(store: Store, plan: dict, index: int, rng: random.Random,
              tax_class: TaxClass) -> tuple[list[dict], list[str]]:
    """The product's variants, and each one's stock state (see stock.py)."""
    code = STORE_CODES[store.slug][0]
    sale_percent = rng.choice([10, 15, 20, 25]) if rng.random() < 0.22 else None
    weight = None if plan.get("kind") == "real_estate_lot" else Decimal(WEIGHTS.get(plan["family"], "0.400"))
    variants, states = [], []
    for position, spec in enumerate(plan["variants"]):
        price = _price(store, plan, spec["extra"])
        state = stock.state_for(rng, index=index, position=position)
        if plan.get("kind") == "real_estate_lot":
            state = "in_stock"
        states.append(state)
        variants.append({
            "sku": spec.get("sku") or f"{code}-{index + 1:04d}-{position + 1}",
            "barcode": _barcode(store, index * 10 + position), "name": spec["name"], "options": spec["options"],
            "price": price, "sale_price": _sale(store, price, sale_percent) if sale_percent else None,
            "weight_kg": weight, "tax_class": tax_class, "position": position,
            "preorder": state == "preorder",
        })
    return variants, states


def _badges(plan: dict, variants: list[dict], rng: random.Random) -> list[str]:
    badges = list(plan.get("badges", []))
    if any(v["sale_price"] is not None for v in variants):
        badges.append("promo")
    if rng.random() < 0.15:
        badges.append("nouveau")
    if rng.random() < 0.12:
        badges.append("populaire")
    if plan.get("specs", {}).get("systeme") == "Windows 11 Pro" and rng.random() < 0.5:
        badges.append("pro")
    return list(dict.fromkeys(badges))


def _product(context: Context, plan: dict, index: int) -> Product:
    store, rng = context.store, random.Random(f"{context.store.slug}:{plan['name']}")
    brand = None
    if plan.get("brand"):
        brand = context.brands.get(plan["brand"]) or catalog.save_brand(store=store, name=plan["brand"])
        context.brands[plan["brand"]] = brand
    variants, states = _variants(store, plan, index, rng, context.tax_classes[plan.get("tax", "standard")])
    product = catalog.create_product(
        store=store, kind=plan.get("kind", "retail"), name=plan["name"], category=context.categories[plan["category"]],
        brand=brand, product_type=context.product_types[plan["type"]],
        short_description=plan["short"], description=plan["description"],
        status="draft" if rng.random() < 0.03 else "published", featured=rng.random() < 0.08,
        badges=_badges(plan, variants, rng), popularity=rng.randint(0, 500), variants=variants,
        specifications={k: v for k, v in plan["specs"].items() if v is not None}, **plan.get("extra", {}))
    for n in range(rng.randint(1, 3)):
        path = ensure_image(f"demo/{store.slug}/{product.slug}-{n + 1}.jpg", product.name,
                            key=plan.get("brand") or plan["category"], shade=n)
        catalog.add_image(product=product, image=path, alt=f"{product.name} — vue {n + 1}", position=n)
    stock.stock_product(context.depots, product, plan, states)
    return product


def _people(stores: dict[str, Store]) -> None:
    partner = accounts.save_partner(store=stores[structure.PARTNER["store"]], name=structure.PARTNER["name"],
                                    **{k: v for k, v in structure.PARTNER.items() if k not in ("store", "name")})
    email, first_name, last_name = structure.SUPERUSER
    admin = User.objects.filter(email=email).first() or User.objects.create_superuser(
        email, structure.DEMO_PASSWORD, first_name=first_name, last_name=last_name)
    _reset_password(admin)
    for email, first_name, last_name, phone, role, slug, segment, member in structure.PEOPLE:
        user = _person(email, first_name, last_name, phone, stores[slug])
        accounts.assign_role(user=user, store=stores[slug], role=role)
        accounts.set_customer_terms(user=user, segment=segment, partner=partner if member else None)
        if role == Role.CLIENT and email in structure.ADDRESSES and not user.addresses.exists():
            line1, city, postal_code, country = structure.ADDRESSES[email]
            accounts.save_address(user=user, first_name=first_name, last_name=last_name, line1=line1, city=city,
                                  postal_code=postal_code, country=country, phone=phone, label="Domicile")


def _person(email: str, first_name: str, last_name: str, phone: str, store: Store) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = accounts.register_user(email=email, password=structure.DEMO_PASSWORD, first_name=first_name,
                                      last_name=last_name, phone=phone, store=store)
    else:
        accounts.update_profile(user=user, first_name=first_name, last_name=last_name, phone=phone)
        _reset_password(user)
    if not user.email_verified:
        user = accounts.verify_email(token=accounts.email_verification_token(user))
    return user


def _reset_password(user: User) -> None:
    """A rerun gives every demo account the printed password back (Django's own API, as `changepassword` does)."""
    if not user.check_password(structure.DEMO_PASSWORD):
        user.set_password(structure.DEMO_PASSWORD)
        user.save(update_fields=["password"])
