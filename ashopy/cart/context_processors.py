from .web import count_in_session


def cart(request):
    """The header's cart badge, read from the session (no query)."""
    return {"cart_count": count_in_session(request)}
