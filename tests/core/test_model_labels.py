"""Every model and field of ashopy has a translatable label, and the admin shows them in French."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from ashopy.accounts.models import User
from ashopy.catalog.services import set_specifications
from ashopy.purchasing import services as purchasing
from tests import factories

# Labels that French writes as English does.
SAME_IN_FRENCH = {"notes", "SIREN", "SIRET", "RCS", "NINEA", "RCCM", "PDF",
                  "code", "contact", "description", "e-mail", "image", "images", "logo", "note", "options",
                  "position", "programme", "slug", "stock", "surface (m²)", "total", "promotion", "promotions",
                  "exclusive", "segments", "session", "ticket", "tickets", "signature (Ed25519)"}


def _ashopy_models():
    return [model for model in apps.get_models() if model.__module__.startswith("ashopy.")]


def _labelled_fields(model):
    """The model's fields that carry a label: not reverse relations nor the implicit `id`."""
    for field in model._meta.get_fields():
        if not hasattr(field, "verbose_name") or (field.auto_created and not field.concrete):
            continue
        if isinstance(field, models.AutoField):
            continue
        yield field


def _labels():
    """(what, label) for every model name, plural and field of ashopy."""
    for model in _ashopy_models():
        opts = model._meta
        yield opts.label, opts.verbose_name
        yield f"{opts.label} (plural)", opts.verbose_name_plural
        for field in _labelled_fields(model):
            yield f"{opts.label}.{field.name}", field.verbose_name


def test_ashopy_has_models():
    assert len(_ashopy_models()) > 30


def test_every_model_and_field_label_is_translatable_and_lower_case():
    not_lazy = [what for what, label in _labels() if not isinstance(label, Promise)]
    assert not_lazy == []
    with translation.override("en"):
        # "SKU" stays an acronym; every other label starts in lower case (the admin capitalises it).
        capitalised = [what for what, label in _labels()
                       if str(label)[:1].isupper() and not str(label).split()[0].isupper()]
    assert capitalised == []


def test_every_model_and_field_label_is_in_french():
    with translation.override("en"):
        english = {what: str(label) for what, label in _labels()}
    with translation.override("fr"):
        french = {what: str(label) for what, label in _labels()}
    untranslated = sorted(f"{what}: {english[what]!r}" for what in english
                          if french[what] == english[what] and english[what] not in SAME_IN_FRENCH)
    assert untranslated == []


class _Labels(HTMLParser):
    """The text of a page's <label> and <th> elements (form labels, inline column headers)."""

    def __init__(self):
        super().__init__()
        self.labels: set[str] = set()
        self._depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("label", "th"):
            self._depth += 1

    def handle_endtag(self, tag):
        if tag in ("label", "th") and self._depth:
            self._depth -= 1
            if not self._depth:
                text = " ".join("".join(self._text).split()).rstrip(" :\u00a0")
                if text:
                    self.labels.add(text)
                self._text = []

    def handle_data(self, data):
        if self._depth:
            self._text.append(data)


def _labels_on(response) -> set[str]:
    assert response.status_code == 200
    parser = _Labels()
    parser.feed(response.content.decode())
    return parser.labels


ENGLISH_LABELS = {"Store", "Badges", "Value text", "Created at"}


@pytest.fixture
def french_superuser(client, settings, db):
    client.force_login(User.objects.create_superuser("root@example.com", factories.PASSWORD))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


def test_admin_product_page_is_labelled_in_french(french_superuser, store):
    product = factories.product(store, "ThinkPad X1", badges=["promo"])
    product.product_type = factories.laptop_type(store)
    product.save()
    set_specifications(product=product, values={"cpu": "Intel Core i7", "ram": 16})

    labels = _labels_on(french_superuser.get(reverse("admin:catalog_product_change", args=[product.pk])))

    assert not labels & ENGLISH_LABELS
    assert {"Boutique", "Pastilles", "Valeur texte", "Valeur entière", "Attribut", "Créé le"} <= labels


def test_admin_purchase_order_page_is_labelled_in_french(french_superuser, store):
    """Customer orders are not in the admin (the back office shows them); purchase orders are."""
    variant = factories.product(store, "Souris", price="5000").variants.get()
    supplier = purchasing.save_supplier(store=store, name="Dakar Distribution", email="achats@dd.sn")
    order = purchasing.create_purchase_order(store=store, supplier=supplier, warehouse=factories.warehouse(store),
                                             lines=[(variant, 10, Decimal(3000))])
    purchasing.send(purchase_order=order)

    labels = _labels_on(french_superuser.get(reverse("admin:purchasing_purchaseorder_change", args=[order.pk])))

    assert not labels & (ENGLISH_LABELS | {"From state", "To state", "Created by", "User"})
    assert {"Boutique", "Créé par", "Date et heure", "État précédent", "Nouvel état"} <= labels
