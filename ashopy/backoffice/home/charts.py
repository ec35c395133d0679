"""The staff home's charts: SVG drawn on the server by pygal, put inline in the page.

The page's Content-Security-Policy allows no inline script or style, so what pygal puts inside
its SVG for a browser to run or read (its configuration script, its `<style>`, the tooltip layer
and its `style` attribute) is taken out; the looks come from `backoffice/charts.css`, which is
pygal's own stylesheet for `STYLE` (`stylesheet()`, compared with the file by a test). Each chart
is an image with a title and a description for screen readers (`role="img"`), and its figures come
with it as a table, formatted in the page's language. Bar heights are floats (pygal draws with
them); every amount written on the page is formatted from the selectors' Decimals.
"""

from dataclasses import dataclass
from decimal import Decimal

import pygal
from babel.dates import format_skeleton
from babel.numbers import format_compact_decimal, format_percent, get_currency_symbol
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from pygal.etree import etree
from pygal.style import Style

from ashopy.core.money import ZERO, babel_locale, format_money, format_number
from ashopy.orders.selectors import DaySales

FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
STYLE = Style(
    font_family=FONTS, background="transparent", plot_background="transparent",
    foreground="#212529", foreground_strong="#212529", foreground_subtle="#6c757d",
    colors=("#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#6c757d", "#0dcaf0"),
    label_font_size=15, major_label_font_size=15, legend_font_size=15, value_font_size=15,
    value_label_font_size=15, tooltip_font_size=15, title_font_size=16, no_data_font_size=24,
    opacity=".85", opacity_hover=".95", transition="0s",
)
CLASS = "pygal-chart"
# Drawn small so that the labels stay readable once the SVG is scaled to a phone's or half a screen's width.
CONFIG = {"style": STYLE, "js": [], "disable_xml_declaration": True, "width": 480, "height": 300,
          "show_legend": False, "margin": 10, "classes": [CLASS], "truncate_label": -1, "truncate_legend": -1}
LABEL_LENGTH = 22  # characters of a product or warehouse name under a bar; the table has them whole
EXTRA_CSS = f".{CLASS}{{display:block;width:100%;height:auto}}"


@dataclass(frozen=True)
class Chart:
    """One chart as the page shows it: the SVG and its figures as a table (header, rows, total row)."""

    slug: str
    title: str
    description: str
    svg: SafeString
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] = ()


def _compact(value) -> str:
    return format_compact_decimal(value, locale=babel_locale(), fraction_digits=1)


def _drawn(chart, *, slug: str, title: str, description: str) -> SafeString:
    """The chart's SVG without script, styles or tooltips, with its title and description for screen readers."""
    root = chart.render_tree()
    parents = {child: parent for parent in root.iter() for child in parent}
    for node in list(root.iter()):
        classes = (node.get("class") or "").split() if isinstance(node.tag, str) else []
        if not isinstance(node.tag, str) or node.tag == "defs" or "tooltip-overlay" in classes:
            parents[node].remove(node)  # pygal's comments, script and style, and the tooltips its script shows
            continue
        node.attrib.pop("style", None)
        if node is not root:
            node.attrib.pop("id", None)  # pygal's ids repeat from chart to chart
    root.set("id", f"chart-{slug}")
    root.set("role", "img")
    root.set("aria-labelledby", f"chart-{slug}-title chart-{slug}-desc")
    heading = root.find("title")
    heading.text, heading.attrib["id"] = title, f"chart-{slug}-title"
    desc = etree.Element("desc", id=f"chart-{slug}-desc")
    desc.text = description
    root.insert(list(root).index(heading) + 1, desc)
    return mark_safe(etree.tostring(root, encoding="unicode"))  # noqa: S308 - serialised by etree, text escaped


def _short(name: str) -> str:
    return Truncator(name).chars(LABEL_LENGTH)


def _money_chart(kind, currency: str, **options):
    return kind(**CONFIG, no_data_text=_("No data"), value_formatter=_compact, max_scale=6,
                y_title=get_currency_symbol(currency, locale=babel_locale()), **options)


def sales_per_day(days: list[DaySales], currency: str) -> Chart:
    locale = babel_locale()
    chart = _money_chart(pygal.Bar, currency, x_label_rotation=0, show_minor_x_labels=False,
                         x_labels_major_every=7)
    chart.x_labels = [format_skeleton("MMMd", day.day, locale=locale) for day in days]
    chart.add(_("Sales"), [float(day.amount) for day in days])
    total = sum((day.amount for day in days), ZERO)
    best = max(days, key=lambda day: day.amount, default=None)
    title = _("Sales per day, last %(count)s days") % {"count": len(days)}
    if best is not None and best.amount:
        description = _("%(total)s in %(orders)s orders over %(count)s days; the best day was %(day)s with "
                        "%(amount)s.") % {
            "total": format_money(total, currency), "orders": format_number(sum(day.orders for day in days)),
            "count": len(days), "day": format_skeleton("yMMMEd", best.day, locale=locale),
            "amount": format_money(best.amount, currency)}
    else:
        description = _("No sales over these %(count)s days.") % {"count": len(days)}
    rows = tuple((format_skeleton("yMMMEd", day.day, locale=locale), format_number(day.orders),
                  format_money(day.amount, currency)) for day in reversed(days))
    return Chart("sales", title, description, _drawn(chart, slug="sales", title=title, description=description),
                 (_("Day"), _("Orders"), _("Sales")), rows,
                 (_("Total"), format_number(sum(day.orders for day in days)), format_money(total, currency)))


def top_products(products: list[dict], currency: str, days: int, limit: int) -> Chart:
    chart = _money_chart(pygal.HorizontalBar, currency)
    shown = list(reversed(products))  # pygal draws the first bar at the bottom: the best one goes on top
    chart.x_labels = [_short(product["name"]) for product in shown]
    chart.add(_("Revenue"), [float(product["revenue"]) for product in shown])
    title = _("Top %(count)s products by revenue, last %(days)s days") % {"count": limit, "days": days}
    if products:
        description = _("Best: %(name)s with %(amount)s; tax included, shipping not.") % {
            "name": products[0]["name"], "amount": format_money(products[0]["revenue"], currency)}
    else:
        description = _("No product sold over these %(days)s days.") % {"days": days}
    rows = tuple((product["name"], format_number(product["units"]), format_money(product["revenue"], currency))
                 for product in products)
    return Chart("products", title, description,
                 _drawn(chart, slug="products", title=title, description=description),
                 (_("Product"), _("Units"), _("Revenue")), rows)


def stock_value(value: dict, currency: str) -> Chart:
    chart = _money_chart(pygal.Bar, currency)
    chart.x_labels = [_short(warehouse["name"]) for warehouse in value["warehouses"]]
    chart.add(_("Stock value"), [float(warehouse["value"]) for warehouse in value["warehouses"]])
    title = _("Stock value per warehouse")
    description = _("%(total)s in %(count)s warehouses, at weighted average cost.") % {
        "total": format_money(value["total"], currency), "count": len(value["warehouses"])}
    rows = tuple((warehouse["name"], format_number(warehouse["units"]), format_money(warehouse["value"], currency))
                 for warehouse in value["warehouses"])
    return Chart("stock", title, description, _drawn(chart, slug="stock", title=title, description=description),
                 (_("Warehouse"), _("Units"), _("Value")), rows,
                 (_("Total"), format_number(value["units"]), format_money(value["total"], currency)))


def payment_methods(methods: list[dict], labels: dict[str, str], currency: str, days: int) -> Chart:
    chart = pygal.Pie(**{**CONFIG, "show_legend": True}, legend_at_bottom=True, legend_at_bottom_columns=1,
                      print_values=True, no_data_text=_("No data"),
                      value_formatter=format_number)
    for method in methods:
        chart.add(labels.get(method["payment_method"], method["payment_method"]), method["orders"])
    count = sum(method["orders"] for method in methods)
    title = _("Orders by payment method, last %(days)s days") % {"days": days}
    if methods:
        description = _("%(count)s orders paid or waiting for payment; the most used method is %(method)s "
                        "(%(share)s).") % {
            "count": format_number(count), "method": labels.get(methods[0]["payment_method"],
                                                                methods[0]["payment_method"]),
            "share": _percent(methods[0]["orders"], count)}
    else:
        description = _("No order over these %(days)s days.") % {"days": days}
    rows = tuple((labels.get(method["payment_method"], method["payment_method"]), format_number(method["orders"]),
                  _percent(method["orders"], count), format_money(method["amount"] or ZERO, currency))
                 for method in methods)
    return Chart("methods", title, description, _drawn(chart, slug="methods", title=title, description=description),
                 (_("Payment method"), _("Orders"), _("Share"), _("Amount")), rows)


def _percent(part: int, whole: int) -> str:
    return format_percent(Decimal(part) / Decimal(whole) if whole else 0, locale=babel_locale())


def stylesheet() -> str:
    """pygal's stylesheet for `STYLE`, scoped to the charts' class: what `backoffice/charts.css` holds."""
    chart = pygal.Bar(**CONFIG)
    for index in range(len(STYLE.colors)):
        chart.add(str(index), [1])
    root = chart.render_tree()
    css, chart_id = root.find("defs/style").text, f"#{root.get('id')}"
    return css.replace(f"{chart_id} ", f".{CLASS} ").replace(chart_id, f".{CLASS}") + "\n" + EXTRA_CSS + "\n"
