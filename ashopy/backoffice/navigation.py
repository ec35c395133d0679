"""The back office's navigation: each staff member sees the pages their role opens, and only those.

Who may open a page is what its view's `store_staff_required` says (`view.staff_roles`, the role sets
of `stores.rules`): the menu asks the view rather than restating the rule, so a link never leads to
a 403 and a page's roles are changed in one place.
"""

from dataclasses import dataclass
from functools import cache

from django.contrib import admin
from django.urls import resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ashopy.stores.rules import has_role

HOME = "staff_home:home"

SECTIONS: tuple[tuple[Promise | None, tuple[tuple[str, Promise], ...]], ...] = (
    (None, ((HOME, _("Overview")),)),
    (_("Sales"), (("staff_orders:order_list", _("Orders")),
                  ("staff_orders:preorder_list", _("Pre-orders waiting")),
                  ("staff_sales:invoice_list", _("Invoices")),
                  ("staff_quotes:quote_list", _("Quotes")), ("staff_customers:customer_list", _("Customers")),
                  ("staff_accounting:index", _("Accounting")))),
    (_("Point of sale"), (("staff_till:till_list", _("Till")), ("staff_pos:ticket_list", _("Till tickets")),
                          ("staff_pos:session_list", _("Till sessions")),
                          ("staff_pos:closure_list", _("Z reports")), ("staff_pos:chain_check", _("Chain check")))),
    (_("Catalogue"), (("staff_catalog:product_list", _("Products")), ("staff_catalog:category_list", _("Categories")),
                      ("staff_catalog:brand_list", _("Brands")),
                      ("staff_catalog:product_type_list", _("Product types")),
                      ("staff_catalog_io:index", _("Import / export")))),
    (_("Promotions"), (("staff_promotions:promotion_list", _("Promotions")),
                       ("staff_promotions:code_list", _("Promo codes")))),
    (_("Stock"), (("inventory:stock_list", _("Stock by warehouse")), ("inventory:low_stock", _("Low stock")),
                  ("inventory:stock_value", _("Stock value")), ("inventory:movements", _("Movements")))),
    (_("Purchasing"), (("purchasing:supplier_list", _("Suppliers")),
                       ("purchasing:purchase_order_list", _("Purchase orders")),
                       ("purchasing:reorder_suggestions", _("Reorder suggestions")))),
)


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    current: bool


@cache
def roles_of(url_name: str) -> frozenset:
    """The roles that open the page named `url_name`: those its view was decorated with."""
    return resolve(reverse(url_name)).func.staff_roles


def may_open(request, url_name: str) -> bool:
    """Whether the signed-in member may open the page named `url_name` in the request's store."""
    return has_role(request.user, getattr(request, "store", None), roles_of(url_name))


def sections(request) -> list[tuple[str | None, list[Link]]]:
    """The menu's sections for this member, each with the links they may follow; empty sections left out."""
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    shown = []
    for heading, entries in SECTIONS:
        links = [Link(reverse(name), str(label), name == current) for name, label in entries
                 if may_open(request, name)]
        if links:
            shown.append((str(heading) if heading is not None else None, links))
    return shown


def may_use_admin(request) -> bool:
    """Whether the Django admin would let this user in (its own rule)."""
    return admin.site.has_permission(request)
