"""A store's category tree, held in memory: pages find categories, breadcrumbs and
sub-trees without a query.

The tree is rebuilt when the store's catalogue version (in Django's cache) changes: every
tree write in `catalog.services` bumps it (again on commit), saving or deleting a category bumps
it too (see signals.py), and it expires after `TREE_SECONDS` anyway. Siblings come in path order,
which the services keep equal to (position, name) order.
"""

from dataclasses import dataclass, field

from ashopy.core.cache import VersionedMemo

from .models import Category

TREE_SECONDS = 300


@dataclass
class Node:
    id: int
    name: str
    slug: str
    depth: int  # in the store's tree: 1 for a top-level category
    description: str
    meta_title: str
    meta_description: str
    image: str
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)

    def ancestors(self) -> list["Node"]:
        chain, node = [], self.parent
        while node:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    def descendant_ids(self) -> list[int]:
        ids, stack = [], [self]
        while stack:
            node = stack.pop()
            ids.append(node.id)
            stack.extend(node.children)
        return ids

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("catalog:category", kwargs={"slug": self.slug})


class CategoryTree:
    def __init__(self, categories):
        self.by_slug: dict[str, Node] = {}
        self.by_id: dict[int, Node] = {}
        self.roots: list[Node] = []
        by_path: dict[str, Node] = {}
        for category in categories:  # in path order: parents come first, siblings in their order
            node = Node(category.id, category.name, category.slug, category.level, category.description,
                        category.meta_title, category.meta_description, category.image.name if category.image else "")
            parent = by_path.get(category.path[: -Category.steplen])
            if category.level > 1 and parent is None:
                continue  # an inactive ancestor hides the whole branch
            node.parent = parent
            (parent.children if parent else self.roots).append(node)
            by_path[category.path] = node
            self.by_slug[node.slug] = node
            self.by_id[node.id] = node

    def get(self, slug: str) -> Node | None:
        return self.by_slug.get(slug)


def _load(store_id: int) -> CategoryTree:
    return CategoryTree(list(Category.objects.filter(store_id=store_id, is_active=True).order_by("path")))


_trees = VersionedMemo("category-tree", _load, seconds=TREE_SECONDS)


def bump(store_id: int | None) -> None:
    if store_id is not None:  # a store's hidden root has none, and is in no tree
        _trees.bump(store_id)


def category_tree(store) -> CategoryTree:
    return _trees.get(store.pk)
