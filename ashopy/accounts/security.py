"""Login protection hooks."""


def login_identifier(request, credentials) -> str:
    """The e-mail a login attempt is for: the web form posts `username`, the API token endpoint `email`."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("username") or request.POST.get("email")
    return (value or "").strip().lower()
