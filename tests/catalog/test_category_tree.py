"""Category trees: each store's own, kept valid and in (position, name) order by every write.

Issue #10 item 5: after one store's gestionnaire set a category's position, every later
category creation, in every store, failed with a 500 (duplicate `path`): positions and names
were changed without re-sorting siblings, and all stores' top-level categories shared one level.
"""

import io
from collections import defaultdict

import pytest
from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from ashopy.accounts.models import User
from ashopy.catalog import services
from ashopy.catalog.models import Category
from ashopy.catalog.tree import category_tree
from tests import factories
from tests.api import client_for
from tests.threads import run_together

CATEGORIES = "/api/v1/categories/"
BEFORE = ("catalog", "0003_remove_variant_availability_variant_preorder")
AFTER = ("catalog", "0006_category_position_and_root_check")


def snapshot() -> list[tuple]:
    return list(Category.objects.order_by("pk").values_list("pk", "store", "path", "depth", "numchild", "name",
                                                            "slug", "position"))


def parent_of(category: Category) -> int | None:
    """The category's parent in its store's tree (None: top level), read from the path."""
    if category.level == 1:
        return None
    return Category.objects.get(path=category.path[: -Category.steplen]).pk


def assert_tree_valid(*stores) -> None:
    """Treebeard finds no problem; each store's categories hang under its own hidden root, parents in the
    same store, siblings in (position, name) order; the in-memory tree is the database's."""
    assert Category.objects.find_problems() == ([], [], [], [], [])
    for store in stores:
        rows = list(Category.objects.for_store(store))
        if not rows:
            continue
        root = Category.objects.get(root_of=store)
        assert root.depth == 1 and root.store_id is None
        by_path = {row.path: row for row in rows}
        rank = {pk: n for n, pk in enumerate(Category.objects.for_store(store).order_by("position", "name", "path")
                                             .values_list("pk", flat=True))}
        siblings, parents = defaultdict(list), {}
        for row in rows:
            parent_path = row.path[: -Category.steplen]
            assert parent_path == root.path or parent_path in by_path, "a parent outside the store's tree"
            parents[row.pk] = by_path[parent_path].pk if parent_path in by_path else None
            siblings[parent_path].append(rank[row.pk])
        for ranks in siblings.values():
            assert ranks == sorted(ranks), "siblings out of (position, name) order"
        memo, stack = [], list(reversed(category_tree(store).roots))
        while stack:
            node = stack.pop()
            memo.append((node.id, node.parent.id if node.parent else None, node.depth))
            stack.extend(reversed(node.children))
        assert memo == [(row.pk, parents[row.pk], row.level) for row in rows if row.is_active]


def top_level_names(store) -> list[str]:
    return list(Category.objects.for_store(store).filter(depth=Category.TOP_DEPTH).values_list("name", flat=True))


@pytest.mark.django_db
def test_reported_sequence_position_then_creations_in_both_stores(
        store, other_store, manager, other_manager, both_store_hosts):
    audio = factories.category(store, "Audio")
    factories.category(store, "Bureautique")
    factories.category(other_store, "Téléphones")
    mine, theirs = client_for(manager), client_for(other_manager, host="b.test")

    edited = mine.patch(f"{CATEGORIES}{audio.pk}/", {"position": 100}, format="json")
    assert edited.status_code == 200 and edited.json()["position"] == 100
    created_here = mine.post(CATEGORIES, {"name": "Jeux"}, format="json")
    created_there = theirs.post(CATEGORIES, {"name": "Montres"}, format="json")

    assert created_here.status_code == 201, created_here.content
    assert created_there.status_code == 201, created_there.content
    assert created_here.json()["depth"] == 1 and created_here.json()["parent"] is None
    assert_tree_valid(store, other_store)
    assert top_level_names(store) == ["Bureautique", "Jeux", "Audio"]
    assert top_level_names(other_store) == ["Montres", "Téléphones"]
    assert [node["name"] for node in client_for().get(CATEGORIES).json()] == ["Bureautique", "Jeux", "Audio"]


@pytest.mark.django_db
def test_rename_and_reposition_resort_siblings_with_their_branch(store, other_store):
    audio = factories.category(store, "Audio")
    casques = factories.category(store, "Casques", parent=audio)
    factories.category(store, "Enceintes", parent=audio)
    bureau = factories.category(store, "Bureautique")
    factories.category(other_store, "Audio")

    services.update_category(category=audio, name="Son")
    assert top_level_names(store) == ["Bureautique", "Son"]
    services.update_category(category=bureau, position=5)
    assert top_level_names(store) == ["Son", "Bureautique"]
    services.update_category(category=casques, name="Zzz casques")
    assert [n.name for n in category_tree(store).get(audio.slug).children] == ["Enceintes", "Zzz casques"]
    services.update_category(category=casques, position=0, parent=bureau)
    assert parent_of(Category.objects.get(pk=casques.pk)) == bureau.pk
    assert_tree_valid(store, other_store)


@pytest.mark.django_db
def test_each_store_has_its_own_hidden_root(store, other_store):
    mine = factories.category(store, "Informatique")
    theirs = factories.category(other_store, "Informatique")
    roots = {root.root_of_id: root for root in Category.objects.filter(depth=1)}
    assert set(roots) == {store.pk, other_store.pk}
    assert mine.path.startswith(roots[store.pk].path) and theirs.path.startswith(roots[other_store.pk].path)
    assert mine.level == theirs.level == 1
    assert list(Category.objects.for_store(store)) == [mine]
    with pytest.raises(ValidationError):
        services.create_category(store=store, parent=roots[store.pk], name="Sous la racine")


@pytest.mark.django_db
def test_another_stores_gestionnaire_cannot_touch_a_category(store, other_store, manager, other_manager,
                                                            both_store_hosts):
    audio = factories.category(store, "Audio")
    factories.category(other_store, "Montres")
    before = snapshot()
    theirs = client_for(other_manager, host="b.test")
    assert theirs.get(f"{CATEGORIES}{audio.pk}/").status_code == 404
    assert theirs.patch(f"{CATEGORIES}{audio.pk}/", {"position": 3}, format="json").status_code == 404
    assert theirs.put(f"{CATEGORIES}{audio.pk}/", {"name": "Pris"}, format="json").status_code == 404
    assert theirs.delete(f"{CATEGORIES}{audio.pk}/").status_code == 404
    on_my_host = client_for(other_manager)
    assert on_my_host.patch(f"{CATEGORIES}{audio.pk}/", {"position": 3}, format="json").status_code == 403
    assert on_my_host.post(CATEGORIES, {"name": "Intrus"}, format="json").status_code == 403
    hidden_root = Category.objects.get(root_of=store)
    assert client_for(manager).patch(f"{CATEGORIES}{hidden_root.pk}/", {"name": "x"}, format="json").status_code \
        == 404
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [
    {"position": -1}, {"position": 32768}, {"position": 10**12}, {"parent": "foreign"}, {"parent": 987654321},
    {"parent": "hidden root"}, {"parent": "own child"}, {"parent": "itself"},
])
def test_bad_input_is_a_400_and_changes_nothing(store, other_store, manager, payload):
    audio = factories.category(store, "Audio")
    child = factories.category(store, "Casques", parent=audio)
    foreign = factories.category(other_store, "Montres")
    names = {"foreign": foreign.pk, "hidden root": Category.objects.get(root_of=store).pk, "own child": child.pk,
             "itself": audio.pk}
    payload = {key: names.get(value, value) for key, value in payload.items()}
    before = snapshot()
    client = client_for(manager)

    edited = client.patch(f"{CATEGORIES}{audio.pk}/", payload, format="json")
    assert edited.status_code == 400 and set(edited.json()["fields"]) == set(payload), edited.content
    assert snapshot() == before
    if payload.get("parent") not in (child.pk, audio.pk):  # a new category may go under those
        created = client.post(CATEGORIES, {"name": "Nouvelle", **payload}, format="json")
        assert created.status_code == 400 and set(created.json()["fields"]) == set(payload), created.content
        assert snapshot() == before
    assert_tree_valid(store, other_store)


@pytest.mark.django_db
def test_a_sibling_group_out_of_path_steps_is_renumbered(store):
    first = factories.category(store, "Audio")
    last = factories.category(store, "Bureautique")
    Category.objects.filter(pk=last.pk).update(path=last.path[: -Category.steplen] + "ZZZZ")
    assert Category.objects.find_problems() == ([], [], [], [], [])  # a hole is valid, but no step follows ZZZZ

    created = services.create_category(store=store, name="Consoles")
    services.update_category(category=first, position=9)

    assert created.level == 1 and top_level_names(store) == ["Bureautique", "Consoles", "Audio"]
    assert_tree_valid(store)


@pytest.mark.django_db
def test_nesting_deeper_than_paths_allow_is_refused(store):
    parent = None
    for level in range(1, services.MAX_CATEGORY_DEPTH):
        parent = services.create_category(store=store, parent=parent, name=f"Niveau {level}")
    with pytest.raises(ValidationError) as refused:
        services.create_category(store=store, parent=parent, name="Trop profond")
    assert "parent" in refused.value.message_dict
    next_to_last = Category.objects.get_parent(parent)
    other = services.create_category(store=store, name="Autre")
    leaf = services.create_category(store=store, parent=other, name="Sous autre")
    before = snapshot()
    with pytest.raises(ValidationError):
        services.move_category(category=other, parent=next_to_last)  # its branch would go one level too deep
    assert snapshot() == before
    services.move_category(category=leaf, parent=next_to_last)
    assert Category.objects.get(pk=leaf.pk).depth == services.MAX_CATEGORY_DEPTH
    assert_tree_valid(store)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_tree_writes_in_one_store_and_across_stores(store, other_store):
    shared = {s.pk: factories.category(s, "Partagée").pk for s in (store, other_store)}
    movers = {s.pk: [factories.category(s, f"Mobile {n}").pk for n in range(3)] for s in (store, other_store)}

    def work(index):
        target = (store, other_store)[index % 2]
        created = services.create_category(store=target, name=f"Nouvelle {index}", position=index % 3)
        services.create_category(store=target, parent=Category.objects.get(pk=shared[target.pk]),
                                 name=f"Enfant {index}")
        services.update_category(category=Category.objects.get(pk=shared[target.pk]), position=index)
        mover = Category.objects.get(pk=movers[target.pk][index % 3])
        services.move_category(category=mover, parent=created if index % 4 < 2 else None)
        return created.pk

    created = run_together(8, work)

    assert len(set(created)) == 8
    assert Category.objects.for_store(store).count() == 1 + 3 + 4 + 4
    assert_tree_valid(store, other_store)


@pytest.fixture
def admin_client(client, settings, tmp_path):
    """The admin in English, uploads in a temporary folder, role groups made before staff join them."""
    settings.MEDIA_ROOT = tmp_path
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    call_command("setup_roles", stdout=io.StringIO())
    return client


def admin_form_data(client, url) -> dict:
    """The admin form's current values, as the browser would post them back."""
    data = {}
    for field in client.get(url).context["adminform"].form:
        value = field.value()
        if field.field.disabled or isinstance(field.field, forms.FileField) or value is None or value is False:
            continue
        data[field.html_name] = "on" if value is True else value
    return data


@pytest.mark.django_db
def test_admin_edits_go_through_the_services(admin_client, store, other_store, manager):
    client = admin_client
    audio, bureau = factories.category(store, "Audio"), factories.category(store, "Bureautique")
    theirs = factories.category(other_store, "Montres")
    client.force_login(manager)
    assert [c.pk for c in client.get("/admin/catalog/category/").context["cl"].result_list] == [audio.pk, bureau.pk]
    change = reverse("admin:catalog_category_change", args=[audio.pk])
    assert client.post(change, {**admin_form_data(client, change), "position": "100"}).status_code == 302
    assert top_level_names(store) == ["Bureautique", "Audio"]
    add = reverse("admin:catalog_category_add")
    new = {**admin_form_data(client, add), "name": "Casques", "slug": "casques", "parent": audio.pk}
    assert client.post(add, new).status_code == 302
    casques = Category.objects.get(slug="casques")
    assert parent_of(casques) == audio.pk and casques.store == store
    before = snapshot()
    foreign = client.post(add, {**new, "name": "Intrus", "slug": "intrus", "parent": theirs.pk})
    under_itself = client.post(change, {**admin_form_data(client, change), "parent": casques.pk})
    assert "parent" in foreign.context["adminform"].form.errors
    assert "parent" in under_itself.context["adminform"].form.errors
    assert snapshot() == before

    move = "/admin/catalog/category/move/"
    assert client.post(move, {"node": casques.pk, "target": bureau.pk, "relation": "child"}).status_code == 200
    assert parent_of(Category.objects.get(pk=casques.pk)) == bureau.pk
    below = factories.category(store, "Intra-auriculaires", parent=casques)
    assert client.post(move, {"node": casques.pk, "target": below.pk, "relation": "child"}).status_code == 400
    assert client.post(move, {"node": casques.pk, "target": audio.pk, "relation": "sibling"}).status_code == 200
    assert parent_of(Category.objects.get(pk=casques.pk)) is None
    children = client.get(f"/admin/catalog/category/children/{casques.pk}/").json()["tree_context"]
    assert [(row["node-id"], row["level"]) for row in children] == [(str(below.pk), 2)]
    assert_tree_valid(store, other_store)


@pytest.mark.django_db
def test_admin_refuses_another_stores_parent_even_to_a_superuser(admin_client, store, other_store):
    client = admin_client
    theirs = factories.category(other_store, "Montres")
    client.force_login(User.objects.create_superuser("root@example.com", factories.PASSWORD))
    add = reverse("admin:catalog_category_add")
    refused = client.post(add, {"store": store.pk, "name": "Intrus", "slug": "intrus", "parent": theirs.pk,
                                "position": "0", "is_active": "on"})
    assert refused.status_code == 200 and "parent" in refused.context["adminform"].form.errors
    assert not Category.objects.filter(slug="intrus").exists()


@pytest.mark.django_db
def test_every_write_bumps_the_tree_memo_again_on_commit(store, django_capture_on_commit_callbacks):
    audio = factories.category(store, "Audio")
    writes = [lambda: services.create_category(store=store, name="Jeux"),
              lambda: services.update_category(category=audio, position=4),
              lambda: services.move_category(category=Category.objects.get(slug="jeux"), parent=audio),
              lambda: services.delete_category(category=Category.objects.get(slug="jeux"))]
    for write in writes:
        stale = category_tree(store)
        with django_capture_on_commit_callbacks() as callbacks:
            write()
        fresh = category_tree(store)
        assert fresh is not stale  # this process reloads at once
        version = cache.get(f"memo:category-tree:{store.pk}")
        for callback in callbacks:
            callback()
        assert cache.get(f"memo:category-tree:{store.pk}") != version  # the others, once committed
    assert_tree_valid(store)


@pytest.fixture
def migrator(transactional_db):
    """Migrations run back and forth; whatever happens, the database ends fully migrated again."""
    yield MigrationExecutor(connection)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_migration_puts_existing_trees_under_store_roots_and_sorts_them(migrator):
    migrator.migrate([BEFORE])
    OldCategory = migrator.loader.project_state([BEFORE]).apps.get_model("catalog", "Category")
    dakar, paris = factories.StoreFactory(slug="dakar"), factories.StoreFactory(slug="paris", currency="EUR")
    rows = [  # the state the report left: "Audio" given position 100 without being re-sorted
        ("0001", dakar, "Audio", 100), ("00010001", dakar, "Casques", 0), ("0002", dakar, "Bureautique", 0),
        ("0003", paris, "Téléphones", -4), ("00030001", paris, "Coques", 70000), ("00030002", dakar, "Égaré", 0),
    ]
    for path, owner, name, position in rows:
        OldCategory.objects.create(path=path, depth=len(path) // 4, numchild={"0001": 1, "0003": 2}.get(path, 0),
                                   store_id=owner.pk, name=name, slug=name.lower(), position=position)

    MigrationExecutor(connection).migrate([AFTER])

    named = {c.name: c for c in Category.objects.filter(store__isnull=False)}
    assert top_level_names(dakar) == ["Bureautique", "Égaré", "Audio"]  # "Égaré" had a parent in Paris
    assert top_level_names(paris) == ["Téléphones"]
    assert parent_of(named["Casques"]) == named["Audio"].pk and parent_of(named["Coques"]) == named["Téléphones"].pk
    assert (named["Téléphones"].position, named["Coques"].position) == (0, 32767)
    assert_tree_valid(dakar, paris)
    services.create_category(store=dakar, name="Jeux")
    services.create_category(store=paris, name="Montres")
    assert_tree_valid(dakar, paris)

    back = MigrationExecutor(connection)
    back.migrate([BEFORE])
    OldCategory = back.loader.project_state([BEFORE]).apps.get_model("catalog", "Category")
    assert OldCategory.objects.filter(depth=1).count() == 6 and not OldCategory.objects.filter(store=None).exists()
    assert OldCategory.objects.filter(depth=2).count() == 2


NAMES = st.sampled_from(["Audio", "audio", "Bureau", "Écrans", "Jeux", "Zèbre"])
POSITIONS = st.integers(min_value=0, max_value=3)
PICKS = st.integers(min_value=0, max_value=10**6)


class CategoryTreeMachine(RuleBasedStateMachine):
    """Random tree writes in two stores, through the services; the tree stays valid after every one."""

    def __init__(self):
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.stores = [factories.StoreFactory(slug="arbre-a"), factories.StoreFactory(slug="arbre-b")]
        self.parent = {}  # category id → expected parent id (None: top level)
        self.store_of = {}  # category id → store index
        self.with_products = set()
        for index in (0, 1):  # a few siblings from the start, so that most writes change an order
            for name, position in (("Jeux", 1), ("Audio", 1), ("Bureau", 0)):
                self.create(index, name, position, pick=0, top=True)
            self.create(index, "Casques", 2, pick=1, top=False)
            self.create(index, "Enceintes", 0, pick=1, top=False)

    def teardown(self):
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    def _ids(self, store_index):
        return sorted(pk for pk, index in self.store_of.items() if index == store_index)

    def _pick(self, pick, store_index=None):
        ids = self._ids(store_index) if store_index is not None else sorted(self.store_of)
        return Category.objects.get(pk=ids[pick % len(ids)]) if ids else None

    def _branch(self, pk):
        branch, changed = {pk}, True
        while changed:
            grown = branch | {child for child, parent in self.parent.items() if parent in branch}
            changed, branch = grown != branch, grown
        return branch

    def _refused(self, write):
        before = snapshot()
        with pytest.raises(ValidationError):
            write()
        assert snapshot() == before

    @rule(store_index=st.integers(0, 1), name=NAMES, position=POSITIONS, pick=PICKS, top=st.booleans())
    def create(self, store_index, name, position, pick, top):
        parent = None if top else self._pick(pick, store_index)
        created = services.create_category(store=self.stores[store_index], parent=parent, name=name,
                                           position=position)
        self.parent[created.pk], self.store_of[created.pk] = (parent.pk if parent else None), store_index

    @rule(pick=PICKS, under=PICKS, top=st.booleans())
    def move(self, pick, under, top):
        category = self._pick(pick)
        if category is None:
            return
        parent = None if top else self._pick(under, self.store_of[category.pk])
        if parent is not None and parent.pk in self._branch(category.pk):
            self._refused(lambda: services.move_category(category=category, parent=parent))
            return
        services.move_category(category=category, parent=parent)
        self.parent[category.pk] = parent.pk if parent else None

    @rule(pick=PICKS, under=PICKS)
    def move_to_another_store(self, pick, under):
        category = self._pick(pick)
        parent = category and self._pick(under, 1 - self.store_of[category.pk])
        if parent is not None:
            self._refused(lambda: services.move_category(category=category, parent=parent))

    @rule(pick=PICKS, name=NAMES)
    def rename(self, pick, name):
        if category := self._pick(pick):
            services.update_category(category=category, name=name)

    @rule(pick=PICKS, position=POSITIONS)
    def reposition(self, pick, position):
        if category := self._pick(pick):
            services.update_category(category=category, position=position)

    @rule(pick=PICKS, position=st.sampled_from([-1, 32768, 10**10]))
    def bad_position(self, pick, position):
        if category := self._pick(pick):
            self._refused(lambda: services.update_category(category=category, position=position))

    @rule(pick=PICKS)
    def add_product(self, pick):
        if category := self._pick(pick):
            factories.product(self.stores[self.store_of[category.pk]], f"Produit {len(self.with_products)}",
                              category_=category)
            self.with_products.add(category.pk)

    @rule(pick=PICKS)
    def delete(self, pick):
        category = self._pick(pick)
        if category is None:
            return
        branch = self._branch(category.pk)
        if branch & self.with_products:
            self._refused(lambda: services.delete_category(category=category))
            return
        services.delete_category(category=category)
        for pk in branch:
            del self.parent[pk], self.store_of[pk]

    @invariant()
    def tree_is_valid(self):
        assert_tree_valid(*self.stores)
        for index, store in enumerate(self.stores):
            rows = list(Category.objects.for_store(store))
            by_path = {row.path: row.pk for row in rows}
            assert {row.pk: by_path.get(row.path[: -Category.steplen]) for row in rows} == {
                pk: self.parent[pk] for pk in self._ids(index)}


@pytest.mark.django_db
def test_random_tree_writes_in_two_stores_keep_both_trees_valid():
    run_state_machine_as_test(CategoryTreeMachine, settings=settings(
        max_examples=15, stateful_step_count=20, deadline=None, database=None,
        phases=[Phase.explicit, Phase.generate],  # shrinking a database-backed run takes minutes
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
