from .tree import category_tree


def navigation(request):
    """The store's top categories for the header menu (from the in-memory tree: no query)."""
    store = getattr(request, "store", None)
    if store is None:
        return {}
    return {"nav_categories": category_tree(store).roots}
