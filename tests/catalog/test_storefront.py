"""The storefront pages as a visitor sees them: listings, filters, search, product page, 404s, language."""

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from ashopy.catalog import services as catalog
from ashopy.core.money import format_money
from tests import factories


@pytest.fixture(autouse=True)
def _web(settings, tmp_path):
    """Pages render without collectstatic, answer any host, and uploads land in a scratch folder."""
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.ALLOWED_HOSTS = ["*"]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def client(client, settings):
    """A visitor who chose English: assertions read the source strings, whatever the French catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def png(name="photo.png", size=(40, 30)):
    buffer = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def listed(response) -> list[str]:
    """Slugs of the product cards on a page, in order."""
    return re.findall(r'class="stretched-link[^"]*" href="/p/([^/]+)/"', html(response))


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


def xof(amount) -> str:
    return format_money(Decimal(amount), "XOF", "en")


@pytest.fixture
def shelf(store):
    """A category with a sub-category, two brands, a laptop type and three products."""
    kind = factories.laptop_type(store)
    computers = factories.category(store, "Ordinateurs")
    laptops = factories.category(store, "Portables", parent=computers)
    lenovo, dell = factories.brand(store, "Lenovo"), factories.brand(store, "Dell")

    def make(name, brand, price, ram, category, *, stock=0, threshold=None):
        product = factories.product(store, name, category_=category, brand_=brand, product_type=kind,
                                    variants=[{"price": Decimal(price)}])
        if stock:
            factories.receive(product.variants.get(), stock, threshold=threshold)
        catalog.set_specifications(product=product, values={"ram": ram, "couleur": "noir"})
        return product

    return {
        "computers": computers, "laptops": laptops, "lenovo": lenovo, "dell": dell,
        "thinkpad": make("ThinkPad X1", lenovo, "300000", 16, laptops, stock=10),  # in stock
        "latitude": make("Latitude 5440", dell, "500000", 8, computers),  # out of stock
        "xps": make("XPS 13", dell, "700000", 16, laptops, stock=2, threshold=3),  # low stock
    }


# Home ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_shows_featured_new_and_promoted_products(client, store):
    computers = factories.category(store, "Ordinateurs")
    featured = factories.product(store, "ThinkPad X1", category_=computers, featured=True)
    on_sale = factories.product(store, "IdeaPad 3", category_=computers, price="400000", sale_price="350000")
    plain = factories.product(store, "Latitude 5440", category_=computers)
    page = html(client.get("/"))
    assert featured.name in section(page, "home-featured")
    assert plain.name not in section(page, "home-featured")
    assert on_sale.name in section(page, "home-promoted")
    assert featured.name not in section(page, "home-promoted")
    newest = section(page, "home-new")
    assert newest.index(plain.name) < newest.index(on_sale.name) < newest.index(featured.name)
    assert 'href="/c/ordinateurs/"' in section(page, "home-categories")


@pytest.mark.django_db
def test_product_card_shows_cover_brand_price_availability_and_badges(client, store):
    product = factories.product(store, "ThinkPad X1", brand_=factories.brand(store, "Lenovo"), featured=True,
                                badges=["nouveau"], price="500000", stock=5)
    catalog.add_image(product=product, image=png(size=(40, 30)), alt="ThinkPad ouvert")
    catalog.add_image(product=product, image=png("back.png"), alt="Dos du ThinkPad")
    card = section(html(client.get("/")), "home-featured")
    assert re.search(r'<img class="card-img-top" src="/media/products/[^"]+" width="40" height="30" '
                     r'alt="ThinkPad ouvert"', card)
    assert "Dos du ThinkPad" not in card
    assert "Lenovo" in card and xof(500000) in card
    assert "availability-in_stock" in card and "In stock" in card
    assert "product-badge-nouveau" in card


# Category page -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_category_lists_its_subtree_with_breadcrumbs_and_subcategories(client, shelf):
    response = client.get("/c/ordinateurs/")
    assert sorted(listed(response)) == sorted([shelf["thinkpad"].slug, shelf["latitude"].slug, shelf["xps"].slug])
    page = html(response)
    assert 'href="/c/portables/"' in page
    assert "3 products" in page
    sub = html(client.get("/c/portables/"))
    crumbs = sub[sub.index('class="breadcrumb"'):sub.index("</ol>")]
    assert 'href="/c/ordinateurs/"' in crumbs and 'aria-current="page">Portables' in crumbs
    assert sorted(listed(client.get("/c/portables/"))) == sorted([shelf["thinkpad"].slug, shelf["xps"].slug])


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), [
    ("brand=dell", ["latitude", "xps"]),
    ("brand=dell&brand=lenovo", ["latitude", "thinkpad", "xps"]),
    ("price_min=400000&price_max=600000", ["latitude"]),
    ("price_min=400000", ["latitude", "xps"]),
    ("in_stock=1", ["thinkpad", "xps"]),
    ("attr_ram=16", ["thinkpad", "xps"]),
    ("attr_ram=8", ["latitude"]),
    ("brand=dell&attr_ram=16", ["xps"]),
])
def test_each_filter_narrows_the_category(client, shelf, query, expected):
    found = listed(client.get(f"/c/ordinateurs/?{query}"))
    assert sorted(found) == sorted(shelf[name].slug for name in expected)


@pytest.mark.django_db
def test_facets_show_counts_and_keep_choices_checked(client, shelf):
    """Each facet counts with the other filters applied, not its own (Dell 16 Go: xps; Lenovo 16 Go: thinkpad;
    Dell in 8 Go: latitude)."""
    page = html(client.get("/c/ordinateurs/?brand=dell&attr_ram=16"))
    assert re.search(r'value="dell" id="brand-dell" checked>\s*<label[^>]*>Dell <span[^>]*>\(1\)', page)
    assert re.search(r'value="lenovo" id="brand-lenovo">\s*<label[^>]*>Lenovo <span[^>]*>\(1\)', page)
    assert re.search(r'name="attr_ram" value="16" id="attr-ram-\d+" checked>\s*<label[^>]*>16 Go <span[^>]*>\(1\)',
                     page)
    assert re.search(r'name="attr_ram" value="8" id="attr-ram-\d+">\s*<label[^>]*>8 Go <span[^>]*>\(1\)', page)
    assert "1 product" in page
    unfiltered = html(client.get("/c/ordinateurs/"))
    assert re.search(r'value="dell" id="brand-dell">\s*<label[^>]*>Dell <span[^>]*>\(2\)', unfiltered)
    in_stock = html(client.get("/c/ordinateurs/?in_stock=1"))  # the latitude is out of stock
    assert re.search(r'value="dell" id="brand-dell">\s*<label[^>]*>Dell <span[^>]*>\(1\)', in_stock)


@pytest.mark.django_db
def test_brand_facets_sort_without_regard_to_case_or_accents(client, store):
    category = factories.category(store, "Audio")
    for name in ("Zeta", "écoute", "Bose", "apple", "Éclat", "dell"):
        factories.product(store, f"Casque {name}", category_=category, brand_=factories.brand(store, name))
    page = html(client.get("/c/audio/"))
    shown = re.findall(r'name="brand" value="[^"]+" id="brand-[^"]+">\s*<label[^>]*>([^<]+?) <span', page)
    assert shown == ["apple", "Bose", "dell", "Éclat", "écoute", "Zeta"]


@pytest.mark.django_db
def test_sorts_order_the_listing(client, shelf):
    catalog.update_product(product=shelf["latitude"], popularity=50)
    catalog.update_product(product=shelf["xps"], popularity=10)
    slugs = {name: shelf[name].slug for name in ("thinkpad", "latitude", "xps")}
    expectations = {
        "price": ["thinkpad", "latitude", "xps"],
        "-price": ["xps", "latitude", "thinkpad"],
        "name": ["latitude", "thinkpad", "xps"],
        "newest": ["xps", "latitude", "thinkpad"],
        "popularity": ["latitude", "xps", "thinkpad"],
    }
    for ordering, names in expectations.items():
        assert listed(client.get(f"/c/ordinateurs/?ordering={ordering}")) == [slugs[n] for n in names], ordering
    page = html(client.get("/c/ordinateurs/?ordering=-price"))
    assert '<option value="-price" selected>' in page
    assert re.search(r'<select[^>]*name="ordering"[^>]*data-autosubmit>', page)  # applies on change (shop.js)
    assert re.search(r'<noscript><button[^>]*form="listing-filters"', page)  # and without JavaScript


@pytest.mark.django_db
def test_pagination_and_result_count(client, store):
    shelf = factories.category(store, "Téléphones")
    products = [factories.product(store, f"Phone {n}", category_=shelf, price=str(1000 * n)) for n in range(1, 6)]
    slugs = [p.slug for p in products]
    first = client.get("/c/telephones/?ordering=price&page_size=2")
    assert listed(first) == slugs[:2]
    page = html(first)
    assert "5 products" in page and "showing 1–2" in page
    assert 'href="?ordering=price&amp;page_size=2&amp;page=2"' in page
    assert listed(client.get("/c/telephones/?ordering=price&page_size=2&page=2")) == slugs[2:4]
    assert listed(client.get("/c/telephones/?ordering=price&page_size=2&page=3")) == slugs[4:]
    page = html(client.get("/c/telephones/?ordering=price&page_size=2&price_min=abc"))
    assert "Minimum price" in page and 'href="?ordering=price&amp;page_size=2&amp;page=2"' in page
    # Past the end: the last page, not an error.
    assert listed(client.get("/c/telephones/?ordering=price&page_size=2&page=40")) == slugs[4:]


@pytest.mark.django_db
def test_garbage_filters_are_ignored_with_a_notice(client, shelf):
    response = client.get("/c/ordinateurs/?price_min=abc&page=-1&ordering=bogus&in_stock=maybe&page_size=5000"
                          "&price_max=-3&brand=nobody&attr_ram=x")
    page = html(response)
    assert "Some filters were not understood" in page
    for label in ("Minimum price", "Maximum price", "Page:", "Sort:", "In stock:", "Products per page"):
        assert label in page, label
    assert listed(response) == []  # an unknown brand is a valid filter that matches nothing
    assert "No products match" in page
    assert len(listed(client.get("/c/ordinateurs/?price_min=abc"))) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("query", [
    "q=%00", "brand=%00", "attr_ram=%00", "attr_%00=1", "price_min=1e999999", "price_min=NaN", "page_size=0",
    "attr_ram=99999999999999999999", "page=1.5", "ordering=relevance", "in_stock=%FF", "q=" + "x" * 3000,
])
def test_hostile_parameters_never_break_a_listing(client, shelf, query):
    for path in ("/c/ordinateurs/", "/search/"):
        assert client.get(f"{path}?{query}").status_code == 200, path


@pytest.mark.django_db
def test_unknown_and_other_store_category_is_404(client, store, other_store, shelf):
    assert client.get("/c/nowhere/").status_code == 404
    factories.category(other_store, "Mobilier")
    assert client.get("/c/mobilier/").status_code == 404
    assert client.get("/c/mobilier/", HTTP_HOST="b.test").status_code == 200
    assert client.get("/c/ordinateurs/", HTTP_HOST="b.test").status_code == 404


# Search ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_search_finds_by_name_and_brand(client, shelf):
    assert listed(client.get("/search/?q=thinkpad")) == [shelf["thinkpad"].slug]
    assert sorted(listed(client.get("/search/?q=dell"))) == sorted([shelf["latitude"].slug, shelf["xps"].slug])
    assert listed(client.get("/search/?q=dell&in_stock=1")) == [shelf["xps"].slug]
    assert listed(client.get("/search/?q=dell&ordering=-price")) == [shelf["xps"].slug, shelf["latitude"].slug]
    page = html(client.get("/search/?q=dell"))
    assert '<option value="relevance" selected>' in page
    assert '<input type="hidden" name="q" value="dell">' in page
    assert "No products match" in html(client.get("/search/?q=zzzzzz"))
    page = html(client.get("/search/?q=%3Cscript%3Ealert(1)%3C/script%3E"))
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page


@pytest.mark.django_db
def test_empty_search_shows_a_prompt(client, shelf):
    page = html(client.get("/search/?q=++"))
    assert 'id="search-q"' in page and "What are you looking for?" in page
    assert listed(client.get("/search/")) == []


@pytest.mark.django_db
def test_search_with_garbage_filters_answers_with_a_notice(client, shelf):
    response = client.get("/search/?q=dell&price_max=%E2%82%AC&ordering=relevancy")
    assert "Some filters were not understood" in html(response)
    assert len(listed(response)) == 2


@pytest.mark.postgres
@pytest.mark.django_db
def test_search_tolerates_typos_and_accents_on_postgresql(client, shelf):
    assert listed(client.get("/search/?q=thinkpda")) == [shelf["thinkpad"].slug]
    assert shelf["thinkpad"].slug in listed(client.get("/search/?q=PORTABLES"))


# Product page ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_product_page_shows_specifications_variants_and_related(client, store, shelf):
    laptop = shelf["thinkpad"]
    catalog.save_variant(store=store, product=laptop, name="32 Go", options={"RAM": "32 Go"},
                         price=Decimal("380000"), preorder=True, position=1)
    catalog.add_image(product=laptop, image=png(), alt="ThinkPad ouvert")
    page = html(client.get(laptop.get_absolute_url()))
    specs = section(page, "specifications-title")
    assert re.search(r"<th scope=\"row\">RAM</th><td>16 Go</td>", specs)
    assert re.search(r"<th scope=\"row\">Couleur</th><td>Noir</td>", specs)
    selector = page[page.index("variant-selector"):page.index("</fieldset>")]
    assert xof(300000) in selector and xof(380000) in selector
    assert "RAM: 32 Go" in selector and "Pre-order" in selector
    assert 'alt="ThinkPad ouvert"' in page
    assert ">Lenovo</a>" in page
    crumbs = page[page.index('class="breadcrumb"'):page.index("</ol>")]
    assert 'href="/c/ordinateurs/"' in crumbs and 'href="/c/portables/"' in crumbs
    related = section(page, "related-title")
    assert shelf["xps"].name in related and laptop.name not in related
    form = page[page.index('class="add-to-cart"'):]
    assert 'action="/cart/add/"' in page and "Add to cart" in form[:form.index("</form>")]


@pytest.mark.django_db
def test_product_page_strikes_the_base_price_of_a_sale(client, store):
    product = factories.product(store, "IdeaPad 3", price="400000", sale_price="350000")
    page = html(client.get(product.get_absolute_url()))
    assert re.search(r'<span class="price-now[^"]*">' + re.escape(xof(350000)) + r"</span> <del[^>]*>"
                     + re.escape(xof(400000)) + "</del>", page)


@pytest.mark.django_db
def test_product_page_names_the_student_discount(client, store, customer):
    factories.segment_discount(store, "etudiant", 10)
    customer.segment = "etudiant"
    customer.save()
    product = factories.product(store, "ThinkPad X1", price="500000")
    client.force_login(customer)
    page = html(client.get(product.get_absolute_url()))
    assert xof(450000) in page and "<del" in page and xof(500000) in page
    assert "Student discount" in page


@pytest.mark.django_db
def test_cached_pages_show_catalogue_changes_at_once(client, store, shelf):
    laptop = shelf["thinkpad"]
    for url in ("/", "/c/portables/", "/search/?q=thinkpad", laptop.get_absolute_url()):
        assert xof(300000) in html(client.get(url)), url
    catalog.save_variant(store=store, product=laptop, variant=laptop.variants.get(), price=Decimal("280000"))
    for url in ("/", "/c/portables/", "/search/?q=thinkpad", laptop.get_absolute_url()):
        page = html(client.get(url))
        assert xof(280000) in page and xof(300000) not in page, url
    catalog.add_image(product=laptop, image=png(), alt="Vue de face")
    catalog.set_specifications(product=laptop, values={"cpu": "Core Ultra 7"})
    page = html(client.get(laptop.get_absolute_url()))
    assert 'alt="Vue de face"' in page and "Core Ultra 7" in page
    assert 'alt="Vue de face"' in html(client.get("/c/portables/"))
    laptop.images.get().delete()
    assert 'alt="Vue de face"' not in html(client.get(laptop.get_absolute_url()))
    catalog.update_product(product=laptop, status="draft")
    assert client.get(laptop.get_absolute_url()).status_code == 404
    assert laptop.slug not in listed(client.get("/c/portables/"))


@pytest.mark.django_db
def test_signed_in_customer_is_not_served_the_anonymous_page(client, store, customer):
    factories.segment_discount(store, "etudiant", 10)
    customer.segment = "etudiant"
    customer.save()
    product = factories.product(store, "ThinkPad X1", category_=factories.category(store, "Ordinateurs"),
                                price="500000")
    for url in ("/c/ordinateurs/", product.get_absolute_url()):
        assert xof(450000) not in html(client.get(url))
    client.force_login(customer)
    for url in ("/c/ordinateurs/", product.get_absolute_url()):
        assert xof(450000) in html(client.get(url)), url


@pytest.mark.django_db
def test_product_page_of_a_real_estate_lot(client, store):
    lot = catalog.create_product(store=store, kind="real_estate_lot", name="Appartement F3 Almadies",
                                 category=factories.category(store, "Immobilier"), status="published",
                                 surface_m2=Decimal("85.5"), rooms=3, floor=0, programme="Les Almadies",
                                 variants=[{"price": Decimal("45000000")}])
    details = section(html(client.get(lot.get_absolute_url())), "lot-title")
    assert "Les Almadies" in details and "85.50 m²" in details and "Ground floor" in details
    assert re.search(r"Rooms</dt><dd[^>]*>3</dd>", details)


@pytest.mark.django_db
def test_product_seo_fields_fall_back_to_name_and_summary(client, store):
    plain = factories.product(store, "ThinkPad X1", short_description="Un ultraportable robuste.")
    tuned = factories.product(store, "XPS 13", meta_title="XPS 13 au meilleur prix",
                              meta_description="Livré à Dakar en 24 h.")
    page = html(client.get(plain.get_absolute_url()))
    assert "<title>ThinkPad X1 — Dakar</title>" in page
    assert '<meta name="description" content="Un ultraportable robuste.">' in page
    page = html(client.get(tuned.get_absolute_url()))
    assert "<title>XPS 13 au meilleur prix</title>" in page
    assert '<meta name="description" content="Livré à Dakar en 24 h.">' in page


@pytest.mark.django_db
def test_drafts_are_neither_shown_nor_listed(client, store):
    shelf = factories.category(store, "Ordinateurs")
    draft = factories.product(store, "Prototype X", category_=shelf, status="draft", featured=True)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert listed(client.get("/c/ordinateurs/")) == []
    assert listed(client.get("/search/?q=prototype")) == []
    assert "Prototype X" not in html(client.get("/"))


@pytest.mark.django_db
def test_another_stores_product_is_404(client, store, other_store):
    theirs = factories.product(other_store, "Chaise Eames")
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(theirs.get_absolute_url(), HTTP_HOST="b.test").status_code == 200
    assert listed(client.get("/search/?q=eames")) == []


# Site-wide ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_not_found_page_uses_the_store_layout(client, store):
    response = client.get("/p/nothing-here/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and f">{store.name}</a>" in page and 'id="not-found-search"' in page


@pytest.mark.django_db
def test_unknown_host_is_404(client, store):
    assert client.get("/", HTTP_HOST="nowhere.example").status_code == 404


@pytest.mark.django_db
def test_language_switch_turns_pages_english(store):
    product = factories.product(store, "ThinkPad X1")
    visitor = Client()
    assert '<html lang="fr">' in html(visitor.get("/"))
    assert ">Accueil</a>" in html(visitor.get(product.get_absolute_url()))  # Django's own French catalogue
    response = visitor.post("/i18n/setlang/", {"language": "en", "next": "/c/nowhere/"})
    assert response.status_code == 302
    for url in ("/", "/search/", "/c/nowhere/", product.get_absolute_url()):
        response = visitor.get(url)
        assert '<html lang="en">' in response.content.decode(), url
        assert response["Content-Language"] == "en"
    assert ">Home</a>" in html(visitor.get(product.get_absolute_url()))  # not the cached French page


@pytest.mark.django_db
def test_anonymous_browsing_creates_no_session(client, shelf):
    for url in ("/", "/c/ordinateurs/?brand=dell", "/search/?q=dell&price_min=abc", shelf["xps"].get_absolute_url(),
                "/p/missing/"):
        response = client.get(url)
        assert "sessionid" not in response.cookies, url
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_the_english_shop_says_its_catalogue_is_written_in_french(client, store):
    factories.product(store, "Ordinateur portable")
    client.cookies["django_language"] = "en"
    english = html(client.get("/"))
    assert "The products of this shop are described in French." in english
    client.cookies["django_language"] = "fr"
    assert 'data-testid="catalogue-language"' not in html(client.get("/"))
