"""Back-office pages of categories (add, rename, move, reorder, delete or its refusal), brands and
product types with their attributes: who gets in, what changes, and bad input."""

import html

import pytest
from django.urls import reverse

from ashopy.catalog import services
from ashopy.catalog.models import Attribute, Brand, Category, Product, ProductType
from tests import factories

pytestmark = [pytest.mark.django_db]


def url(name, *args) -> str:
    return reverse(f"staff_catalog:{name}", args=args)


def tree(store) -> list[tuple[str, int]]:
    """The store's categories in tree order, with their level."""
    return [(category.name, category.level) for category in Category.objects.for_store(store)]


@pytest.fixture
def categories(store):
    computers = factories.category(store, "Informatique")
    laptops = factories.category(store, "Portables", parent=computers)
    phones = factories.category(store, "Téléphones")
    return computers, laptops, phones


def category_data(category=None, **changes) -> dict:
    data = {"name": category.name, "slug": category.slug, "position": category.position, "is_active": "on",
            "description": "", "parent": ""} if category else {"position": 0, "is_active": "on"}
    return {**data, **changes}


def test_every_page_opens_for_managers_sellers_get_403_other_stores_get_404(
        client, manager, store_admin, seller, categories, other_client, store):
    brand = factories.brand(store)
    kind = factories.laptop_type(store)
    pages = [url("category_list"), url("category_create"), url("category_edit", categories[0].pk),
             url("brand_list"), url("brand_create"), url("brand_edit", brand.pk), url("product_type_list"),
             url("product_type_create"), url("product_type_edit", kind.pk)]
    for user in (manager, store_admin):
        client.force_login(user)
        for page in pages:
            assert client.get(page).status_code == 200, page
    client.force_login(seller)
    for page in pages:
        assert client.get(page).status_code == 403, page
    assert client.post(url("category_delete", categories[2].pk)).status_code == 403
    assert client.post(url("brand_delete", brand.pk)).status_code == 403
    for page in (url("category_edit", categories[0].pk), url("brand_edit", brand.pk),
                 url("product_type_edit", kind.pk)):
        assert other_client.get(page).status_code == 404, page
    assert other_client.post(url("category_delete", categories[2].pk)).status_code == 404
    assert other_client.post(url("brand_delete", brand.pk)).status_code == 404
    assert other_client.post(url("brand_edit", brand.pk), {"name": "Volée"}).status_code == 404
    assert Category.objects.filter(pk=categories[2].pk).exists() and Brand.objects.get(pk=brand.pk).name == "Lenovo"
    assert "Informatique" not in other_client.get(url("category_list")).content.decode()


def test_add_rename_and_the_tree_is_listed_in_order(staff_client, store, categories):
    computers, _laptops, phones = categories
    response = staff_client.post(url("category_create"), category_data(name="Tablettes", parent=computers.pk))
    assert response.status_code == 302
    assert staff_client.post(url("category_edit", phones.pk),
                             category_data(phones, name="Smartphones")).status_code == 302
    assert tree(store) == [("Informatique", 1), ("Portables", 2), ("Tablettes", 2), ("Smartphones", 1)]
    response = staff_client.get(url("category_list"))
    assert [(row.name, row.depth) for row in response.context["categories"]] == [
        ("Informatique", 1), ("Portables", 2), ("Tablettes", 2), ("Smartphones", 1)]
    assert response.content.decode().count('class="staff-tree-level-2"') == 2


def test_move_under_another_parent_and_reorder_by_position(staff_client, store, categories):
    computers, laptops, phones = categories
    assert staff_client.post(url("category_edit", laptops.pk),
                             category_data(laptops, parent=phones.pk)).status_code == 302
    assert tree(store) == [("Informatique", 1), ("Téléphones", 1), ("Portables", 2)]
    assert staff_client.post(url("category_edit", phones.pk), category_data(phones, position=0)).status_code == 302
    assert staff_client.post(url("category_edit", computers.pk),
                             category_data(computers, position=5)).status_code == 302
    assert tree(store) == [("Téléphones", 1), ("Portables", 2), ("Informatique", 1)]
    assert staff_client.post(url("category_edit", laptops.pk), category_data(laptops, parent="")).status_code == 302
    assert tree(store) == [("Portables", 1), ("Téléphones", 1), ("Informatique", 1)]


def test_bad_moves_are_form_errors(staff_client, store, categories, other_store):
    computers, laptops, phones = categories
    foreign = factories.category(other_store, "Paris")
    for parent in (laptops.pk, computers.pk, foreign.pk, "x", 10 ** 30):
        response = staff_client.post(url("category_edit", computers.pk), category_data(computers, parent=parent))
        assert response.status_code == 400 and response.context["form"].errors, parent
    for bad in ({"position": -1}, {"position": 40000}, {"name": ""}, {"slug": "pas un slug"}):
        assert staff_client.post(url("category_edit", phones.pk), category_data(phones, **bad)).status_code == 400
    assert tree(store) == [("Informatique", 1), ("Portables", 2), ("Téléphones", 1)]


def test_delete_and_its_refusal_shown_as_a_message(staff_client, store, categories):
    computers, laptops, phones = categories
    factories.product(store, "ThinkPad", category_=laptops)
    response = staff_client.post(url("category_delete", computers.pk), follow=True)
    assert "Move or delete this category's products first." in html.unescape(response.content.decode())
    assert Category.objects.filter(pk=computers.pk).exists()
    assert staff_client.post(url("category_delete", phones.pk)).status_code == 302
    assert tree(store) == [("Informatique", 1), ("Portables", 2)]
    assert staff_client.get(url("category_delete", laptops.pk)).status_code == 405


def test_brands_list_add_edit_delete(staff_client, store):
    assert staff_client.post(url("brand_create"), {"name": "Lenovo", "slug": ""}).status_code == 302
    brand = Brand.objects.get(store=store)
    assert brand.slug == "lenovo"
    product = factories.product(store, "ThinkPad", brand_=brand)
    assert staff_client.post(url("brand_edit", brand.pk), {"name": "Lenovo Group", "slug": "lenovo",
                                                           "description": "PC"}).status_code == 302
    brand.refresh_from_db()
    assert (brand.name, brand.description) == ("Lenovo Group", "PC")
    assert "lenovo group" in Product.objects.get(pk=product.pk).search_text
    assert "Lenovo Group" in staff_client.get(url("brand_list")).content.decode()
    other = factories.brand(store, "Dell")
    response = staff_client.post(url("brand_edit", other.pk), {"name": "Dell", "slug": "lenovo"})
    assert response.status_code == 400 and Brand.objects.get(pk=other.pk).slug == "dell"
    assert staff_client.post(url("brand_delete", brand.pk)).status_code == 302
    assert not Brand.objects.filter(pk=brand.pk).exists()
    assert Product.objects.get(pk=product.pk).brand_id is None


def attribute_rows(*rows, initial=0) -> dict:
    data = {"attributes-TOTAL_FORMS": len(rows), "attributes-INITIAL_FORMS": initial,
            "attributes-MIN_NUM_FORMS": 0, "attributes-MAX_NUM_FORMS": 50}
    for index, row in enumerate(rows):
        data.update({f"attributes-{index}-{key}": value for key, value in row.items()})
    return data


def test_product_types_with_their_attributes(staff_client, store):
    data = {"name": "Ordinateur", "slug": "", **attribute_rows(
        {"name": "RAM", "kind": "integer", "unit": "Go"},
        {"name": "Couleur", "kind": "choice", "choices": "Noir\nArgent\n"},
        {"name": "", "kind": "text"})}
    response = staff_client.post(url("product_type_create"), data)
    kind = ProductType.objects.get(store=store)
    assert response.status_code == 302 and kind.slug == "ordinateur"
    attributes = [(a.slug, a.name, a.kind, a.unit, [c.value for c in a.choices.order_by("position")])
                  for a in Attribute.objects.filter(product_type=kind)]
    assert attributes == [("ram", "RAM", "integer", "Go", []), ("couleur", "Couleur", "choice", "", ["Noir", "Argent"])]
    form = staff_client.get(url("product_type_edit", kind.pk)).context["attributes"]
    assert [row["slug"].value() for row in form.forms[:2]] == ["ram", "couleur"]
    edit = {"name": "Ordinateur portable", "slug": "ordinateur", **attribute_rows(
        {"slug": "ram", "name": "Mémoire", "kind": "integer", "unit": "Go"},
        {"slug": "couleur", "name": "Couleur", "kind": "choice", "choices": "Noir\nArgent\nOr"},
        {"name": "Écran", "kind": "decimal", "unit": "pouces"}, initial=2)}
    assert staff_client.post(url("product_type_edit", kind.pk), edit).status_code == 302
    assert list(Attribute.objects.filter(product_type=kind).values_list("name", flat=True)) == [
        "Mémoire", "Couleur", "Écran"]
    assert ProductType.objects.get(pk=kind.pk).name == "Ordinateur portable"
    assert "Or" in Attribute.objects.get(slug="couleur").choices.values_list("value", flat=True)


def test_product_type_refusals(staff_client, store):
    kind = factories.laptop_type(store)
    product = factories.product(store, "X1", product_type=kind)
    services.set_specifications(product=product, values={"ram": 16})
    bad = [{"name": "Autre", "slug": kind.slug, **attribute_rows()},  # a taken slug
           {"name": "Ordinateur portable", **attribute_rows({"slug": "ram", "name": "RAM", "kind": "text"})},
           {"name": "X", **attribute_rows({"name": "Couleur", "kind": "choice", "choices": ""})},
           {"name": "X", **attribute_rows({"name": "A", "kind": "nope"})},
           {"name": "X", **attribute_rows({"name": "A", "kind": "text"}, {"name": "a", "kind": "text"})}]
    response = staff_client.post(url("product_type_create"), bad[0])
    assert response.status_code == 400 and ProductType.objects.filter(store=store).count() == 1
    response = staff_client.post(url("product_type_edit", kind.pk), {**bad[1], "slug": kind.slug})
    assert response.status_code == 400 and "its type cannot change" in response.content.decode()
    assert Attribute.objects.get(product_type=kind, slug="ram").kind == "integer"
    for data in bad[2:]:
        assert staff_client.post(url("product_type_create"), data).status_code == 400, data
    assert ProductType.objects.filter(store=store).count() == 1
