"""The admin: every page opens, staff see only their stores, saves go through the services."""

import io
import re
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from ashopy.accounts.models import User
from ashopy.accounts.services import save_address
from ashopy.catalog.models import Product, Variant
from ashopy.catalog.services import add_image, create_product, set_specifications
from ashopy.demo.images import render
from ashopy.stores.models import Membership
from tests import factories

CHANGE_LINK = re.compile(r'href="(/admin/[a-z_]+/[a-z_]+/\d+/change/)[^"]*"')
MODEL_LINK = re.compile(r'href="(/admin/[a-z_]+/[a-z_]+/)"')


@pytest.fixture(autouse=True)
def _roles_and_media(db, settings, tmp_path, client):
    """Role groups exist before the staff fixtures join them; uploads go to a temporary folder;
    the back office answers in English, which the assertions read."""
    settings.MEDIA_ROOT = tmp_path
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    call_command("setup_roles", stdout=io.StringIO())


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root@example.com", factories.PASSWORD)


def _picture(name="photo.jpg"):
    return SimpleUploadedFile(name, render("Test Produit"), content_type="image/jpeg")


def _catalogue(store, name="ThinkPad X1", with_extras=True):
    """A store's catalogue with one object of every kind the admin lists."""
    root = factories.category(store, f"Informatique {store.slug}")
    leaf = factories.category(store, f"Portables {store.slug}", parent=root)
    brand = factories.brand(store, f"Lenovo {store.slug}")
    product = factories.product(store, name, category_=leaf, brand_=brand)
    add_image(product=product, image=_picture())
    if with_extras:
        kind = factories.laptop_type(store)
        product.product_type = kind
        product.save()
        set_specifications(product=product, values={"ram": 16, "couleur": "noir"})
        create_product(store=store, kind="real_estate_lot", name="Villa F4 Saly", category=root, status="published",
                       surface_m2=Decimal("180"), rooms=4, floor=0, programme="Villas de Saly",
                       variants=[{"price": Decimal("145000000"), "sku": "LOT-SLY-01"}])
        factories.segment_discount(store)
        partner = factories.PartnerFactory(store=store)
        member = factories.UserFactory(email="member@example.com", partner=partner, segment="etudiant")
        save_address(user=member, first_name="Awa", last_name="Diop", line1="Rue 10", city="Dakar", country="SN")
    return product


def _form_data(response):
    """The change form's current values, as the browser would post them back."""
    data = {}
    all_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        all_forms += [inline.formset.management_form, *inline.formset.forms]
    for form in all_forms:
        for field in form:
            if field.field.disabled or isinstance(field.field, forms.FileField):
                continue
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
                continue
            data[field.html_name] = "" if value is None else value
    return data


@pytest.mark.django_db
def test_superuser_opens_every_admin_page(client, superuser, store, other_store, customer):
    _catalogue(store)
    _catalogue(other_store, "Galaxy S24", with_extras=False)
    client.force_login(superuser)
    index = client.get("/admin/")
    assert index.status_code == 200
    model_pages = sorted(set(MODEL_LINK.findall(index.content.decode())))
    expected = {"stores/store", "accounts/user", "accounts/partner", "accounts/address", "catalog/category",
                "catalog/brand", "catalog/taxclass", "catalog/producttype", "catalog/attribute", "catalog/product",
                "pricing/taxrate", "pricing/segmentdiscount"}
    assert expected <= {page.removeprefix("/admin/").rstrip("/") for page in model_pages}
    for page in model_pages:
        changelist = client.get(page)
        assert changelist.status_code == 200, page
        html = changelist.content.decode()
        if f'href="{page}add/"' in html:
            assert client.get(f"{page}add/").status_code == 200, page
        links = CHANGE_LINK.findall(html)
        assert links or page.removeprefix("/admin/").rstrip("/") not in expected, f"{page} lists nothing"
        for link in sorted(set(links))[:3]:
            assert client.get(link).status_code == 200, link
    lot = Product.objects.get(name="Villa F4 Saly")
    page = client.get(reverse("admin:catalog_product_change", args=[lot.pk]))
    assert page.status_code == 200 and "surface_m2" in page.content.decode()
    retail_type = client.get("/admin/catalog/product/add/").context["adminform"].form.fields["ct_id"].choices[0][0]
    assert client.get(f"/admin/catalog/product/add/?ct_id={retail_type}").status_code == 200


@pytest.mark.django_db
def test_manager_sees_and_edits_only_their_store(client, store, other_store, manager):
    mine = _catalogue(store)
    theirs = _catalogue(other_store, "Galaxy S24", with_extras=False)
    client.force_login(manager)
    listing = client.get("/admin/catalog/product/").content.decode()
    assert mine.name in listing and theirs.name not in listing
    assert "Portables paris" not in listing  # the category filter offers only this store's categories
    response = client.get(reverse("admin:catalog_product_change", args=[theirs.pk]))
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response.url == reverse("admin:index")
    form = client.get(reverse("admin:catalog_product_change", args=[mine.pk])).context["adminform"].form
    assert set(form.fields["category"].queryset.values_list("store", flat=True)) == {store.pk}
    assert list(form.fields["brand"].queryset.values_list("store", flat=True)) == [store.pk]
    assert client.get(f"/admin/catalog/brand/{theirs.brand_id}/change/").status_code in (302, 404)
    categories = client.get("/admin/catalog/category/").content.decode()
    assert "Informatique dakar" in categories and "Informatique paris" not in categories


@pytest.mark.django_db
def test_manager_cannot_move_categories_across_stores(client, store, other_store, manager):
    _catalogue(store, with_extras=False)
    _catalogue(other_store, "Galaxy S24", with_extras=False)
    client.force_login(manager)
    mine = factories.category(store, "Tablettes")
    theirs = other_store.categories.get(slug="informatique-paris")
    response = client.post("/admin/catalog/category/move/",
                           {"node": mine.pk, "target": theirs.pk, "relation": "child"})
    assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.level == 1 and mine.store == store


@pytest.mark.django_db
def test_saving_a_variant_inline_updates_price_from(client, superuser, store):
    product = _catalogue(store, with_extras=False)
    other = factories.product(store, "Autre produit")
    taken_sku = other.variants.get().sku
    client.force_login(superuser)
    url = reverse("admin:catalog_product_change", args=[product.pk])
    data = _form_data(client.get(url))
    data["variants-0-price"] = "450000"
    data["variants-TOTAL_FORMS"] = "2"
    data.update({"variants-1-sku": taken_sku, "variants-1-price": "390000", "variants-1-sale_price": "350000",
                 "variants-1-options": "{}", "variants-1-position": "1",
                 "variants-1-active": "on", "variants-1-product": str(product.pk)})
    refused = client.post(url, data)
    assert refused.status_code == 200  # the duplicate SKU is a form error, not a crash
    assert "This SKU is already used in this store." in refused.content.decode()
    data["variants-1-sku"] = "X1-PROMO"
    assert client.post(url, data).status_code == 302
    product.refresh_from_db()
    assert product.price_from == Decimal("350000") and product.on_sale
    assert Variant.objects.get(sku="X1-PROMO").store == store


@pytest.mark.django_db
def test_product_changelist_query_budget(client, superuser, manager, store, django_assert_max_num_queries):
    category = factories.category(store, "Ordinateurs")
    brand = factories.brand(store)
    picture = add_image(product=factories.product(store, "Modèle 0", category_=category, brand_=brand),
                        image=_picture()).image.name
    for n in range(1, 50):
        add_image(product=factories.product(store, f"Modèle {n}", category_=category, brand_=brand), image=picture)
    for user in (superuser, manager):
        client.force_login(user)
        with django_assert_max_num_queries(16):
            page = client.get("/admin/catalog/product/")
        assert page.status_code == 200
        assert page.content.decode().count(f'src="/media/{picture}"') == 50


@pytest.mark.django_db
def test_store_membership_inline_grants_and_revokes_roles(client, superuser, store, customer):
    client.force_login(superuser)
    url = reverse("admin:stores_store_change", args=[store.pk])
    data = _form_data(client.get(url))
    data.update({"memberships-TOTAL_FORMS": "1", "memberships-0-user": str(customer.pk),
                 "memberships-0-role": "vendeur", "memberships-0-store": str(store.pk)})
    assert client.post(url, data).status_code == 302
    customer.refresh_from_db()
    assert customer.is_staff and customer.role == "vendeur"
    assert list(customer.groups.values_list("name", flat=True)) == ["vendeur"]
    data = _form_data(client.get(url))
    data["memberships-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    customer.refresh_from_db()
    assert not customer.is_staff and not Membership.objects.filter(user=customer).exists()
    assert not customer.groups.filter(name="vendeur").exists()


@pytest.mark.django_db
def test_staff_see_customers_and_their_colleagues_only(client, superuser, seller, manager, other_manager, customer):
    client.force_login(seller)
    listing = client.get("/admin/accounts/user/").content.decode()
    assert customer.email in listing and manager.email in listing
    assert other_manager.email not in listing and superuser.email not in listing
    assert client.get(reverse("admin:accounts_user_change", args=[superuser.pk])).status_code in (302, 404)
    # A salesperson may edit customers but not a colleague's account (nor their password).
    assert client.get(reverse("admin:accounts_user_change", args=[customer.pk])).status_code == 200
    colleague = client.get(reverse("admin:accounts_user_change", args=[manager.pk]))
    assert colleague.status_code == 200 and "adminform" in colleague.context
    password_page = reverse("admin:auth_user_password_change", args=[manager.pk])
    assert client.post(password_page, {"password1": "n3w-Passw0rd!", "password2": "n3w-Passw0rd!"}).status_code == 403
    manager.refresh_from_db()
    assert manager.check_password(factories.PASSWORD)


@pytest.mark.django_db
def test_superuser_adds_a_user_with_a_password(client, superuser, store):
    client.force_login(superuser)
    response = client.post("/admin/accounts/user/add/", {
        "email": "Nouveau@Example.com", "first_name": "Moussa", "last_name": "Diallo", "usable_password": "true",
        "password1": "un-mot-de-passe-42", "password2": "un-mot-de-passe-42"})
    assert response.status_code == 302
    user = User.objects.get(email="nouveau@example.com")
    assert user.check_password("un-mot-de-passe-42") and not user.is_staff
    assert Group.objects.filter(name="client").exists()


@pytest.mark.django_db
def test_renaming_a_brand_refreshes_search_text(client, superuser, store):
    product = _catalogue(store, with_extras=False)
    client.force_login(superuser)
    url = reverse("admin:catalog_brand_change", args=[product.brand_id])
    data = _form_data(client.get(url))
    data["name"] = "Lenovo Group"
    assert client.post(url, data).status_code == 302
    product.refresh_from_db()
    assert "lenovo group" in product.search_text
