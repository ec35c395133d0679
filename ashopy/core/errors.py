"""Domain errors: what a use case refuses, with a stable code.

Services raise them; the API answers them as JSON 4xx
``{"code", "detail", "fields"}`` and the web shows them as messages.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the request. Subclasses set `code` and `message`."""

    code = "invalid"
    message = _("The request could not be carried out.")
    status = 400

    def __init__(self, message=None, *, fields: dict | None = None, **params):
        self.params = params
        self.fields = fields or {}
        self.detail = message if message is not None else self.message
        super().__init__(str(self.detail))

    def __str__(self):
        text = str(self.detail)
        return text.format(**self.params) if self.params else text


class NotFound(DomainError):
    code = "not_found"
    message = _("Not found.")
    status = 404


class PermissionDenied(DomainError):
    code = "permission_denied"
    message = _("You do not have permission to do this.")
    status = 403
