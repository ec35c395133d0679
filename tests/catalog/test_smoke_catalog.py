from decimal import Decimal

import pytest

from ashopy.catalog.filters import ProductFilters
from ashopy.catalog.models import RealEstateLot
from ashopy.catalog.selectors import filtered_products, product_cards, product_detail
from ashopy.catalog.services import create_product, set_specifications
from ashopy.catalog.tree import category_tree
from tests import factories


@pytest.mark.django_db
def test_product_detail_is_real_kind_with_prefetches(store, django_assert_max_num_queries):
    cat = factories.category(store, "Immobilier")
    lot = create_product(store=store, kind="real_estate_lot", name="Appartement F3 Almadies", category=cat,
                         status="published", surface_m2=Decimal("85.5"), rooms=3, floor=2, programme="Les Almadies",
                         variants=[{"price": Decimal("45000000")}])
    with django_assert_max_num_queries(6):
        product = product_detail(store=store, slug=lot.slug)
        assert isinstance(product, RealEstateLot)
        assert product.rooms == 3
        assert len(product.active_variants) == 1
        assert product.ordered_images == []


def _searched(store, queries):
    kind = factories.laptop_type(store)
    cat = factories.category(store, "Ordinateurs portables")
    laptop = factories.product(store, "Écran Dell UltraSharp", category_=cat, product_type=kind)
    set_specifications(product=laptop, values={"ram": 16, "couleur": "noir"})
    tree = category_tree(store)
    for q in queries:
        filters, _ = ProductFilters.parse(_qd(q=q), strict=True)
        found = product_cards(filtered_products(store=store, filters=filters, tree=tree), sort=filters.sort)
        assert [p.pk for p in found] == [laptop.pk], q


@pytest.mark.django_db
def test_search_finds_accentless(store):
    _searched(store, ("ecran", "Écran", "ultrasharp"))


@pytest.mark.postgres
@pytest.mark.django_db
def test_search_tolerates_a_typo_on_postgresql(store):
    """SQLite search needs every word as typed (icontains); trigram similarity is PostgreSQL's."""
    _searched(store, ("ultrashrp",))


def _qd(**params):
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    for key, value in params.items():
        q[key] = value
    return q
