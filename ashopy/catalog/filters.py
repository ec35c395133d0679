"""Listing filters, parsed once from a query string and shared by the storefront and the API.

Bad values raise `InvalidFilters` with one message per parameter: the API answers
400 with them, the storefront ignores the parameter and shows a notice.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ashopy.core.errors import DomainError

ORDERINGS = {
    "price": ("price_from", "id"),
    "-price": ("-price_from", "-id"),
    "newest": ("-created_at", "-id"),
    "popularity": ("-popularity", "-id"),
    "name": ("name", "id"),
}
DEFAULT_ORDERING = "newest"
PAGE_SIZES = (12, 24, 48, 96)
MAX_PRICE = Decimal("1e12")
MAX_QUERY_LENGTH = 200
ATTRIBUTE_PREFIX = "attr_"


class InvalidFilters(DomainError):
    code = "invalid_filters"


@dataclass
class ProductFilters:
    q: str = ""
    category: str = ""
    brands: list[str] = field(default_factory=list)
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    attributes: dict[str, list[str]] = field(default_factory=dict)
    ordering: str = ""
    page: int = 1
    page_size: int = 24

    @property
    def sort(self) -> str:
        """The ordering asked for, or relevance for a search, or newest first."""
        return self.ordering or ("relevance" if self.q else DEFAULT_ORDERING)

    @property
    def active(self) -> bool:
        return bool(self.brands or self.price_min is not None or self.price_max is not None
                    or self.in_stock or self.attributes)

    @classmethod
    def parse(cls, params, *, strict: bool) -> tuple["ProductFilters", dict[str, str]]:
        """Read `params` (a QueryDict). With `strict`, any bad value raises InvalidFilters;
        otherwise bad values are dropped and returned as {parameter: message}."""
        filters, errors = cls(), {}
        filters.q = _text(params.get("q", ""))[:MAX_QUERY_LENGTH]
        filters.category = _text(params.get("category", ""))
        filters.brands = [b for b in map(_text, params.getlist("brand")) if b][:20]
        filters.price_min = _decimal(params, "price_min", errors)
        filters.price_max = _decimal(params, "price_max", errors)
        if filters.price_min is not None and filters.price_max is not None and filters.price_min > filters.price_max:
            errors["price_max"] = _("The maximum price must not be below the minimum price.")
            filters.price_max = None
        filters.in_stock = _boolean(params, "in_stock", errors)
        for key in params:
            if key.startswith(ATTRIBUTE_PREFIX) and len(key) > len(ATTRIBUTE_PREFIX):
                values = [v for v in map(_text, params.getlist(key)) if v][:20]
                if values:
                    filters.attributes[_text(key[len(ATTRIBUTE_PREFIX):])] = values
        ordering = params.get("ordering", "")
        if ordering and ordering not in ORDERINGS and not (ordering == "relevance" and filters.q):
            errors["ordering"] = _("Unknown ordering “%(value)s”; use one of: %(choices)s.") % {
                "value": ordering[:40], "choices": ", ".join(ORDERINGS)}
        else:
            filters.ordering = ordering
        filters.page = _integer(params, "page", errors, default=1, minimum=1, maximum=100_000)
        filters.page_size = _integer(params, "page_size", errors, default=24, minimum=1, maximum=max(PAGE_SIZES))
        if errors and strict:
            raise InvalidFilters(_("Some filters are not valid."), fields=errors)
        return filters, errors


def _text(raw: str) -> str:
    """Stripped, without NUL characters (PostgreSQL refuses them in text: a 500 otherwise)."""
    return raw.replace("\x00", "").strip()


def _decimal(params, name, errors):
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > MAX_PRICE:
        errors[name] = _("Enter a positive number.")
        return None
    return value


def _boolean(params, name, errors):
    raw = params.get(name, "").strip().lower()
    if raw in ("", "0", "false", "off", "no"):
        return False
    if raw in ("1", "true", "on", "yes"):
        return True
    errors[name] = _("Use true or false.")
    return False


def _integer(params, name, errors, *, default, minimum, maximum):
    raw = params.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        errors[name] = _("Enter a whole number between %(min)s and %(max)s.") % {"min": minimum, "max": maximum}
        return default
    return value
