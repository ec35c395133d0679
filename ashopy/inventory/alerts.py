"""Low-stock alerts: once per crossing of a stock row's threshold, not on every sale.

Services pass the rows they changed (as returned by their UPDATEs); only a row whose
available quantity crossed its threshold costs a query here. Each alert is a `stock_low`
domain event (core/events.py): its consumers — the e-mail to the store's stock managers
(inventory/consumers.py) — run after the transaction commits, never while the stock rows
are locked.
"""

from collections.abc import Iterable

from ashopy.core import events

from .changes import StockChange
from .models import LowStockAlert, Stock


def after_change(store_id: int, rows: Iterable[StockChange]) -> None:
    """`rows`: the stock rows as a change left them."""
    for row in rows:
        available, threshold = row.on_hand - row.reserved, row.low_stock_threshold
        if threshold and available <= threshold and not row.low_stock_alerted:
            _raise_alert(store_id, row.id, available, threshold)
        elif row.low_stock_alerted and available > threshold:
            Stock.objects.filter(pk=row.id).update(low_stock_alerted=False)


def _raise_alert(store_id: int, stock_id: int, available: int, threshold: int) -> None:
    # Conditional: of two sales crossing at once, one raises the alert.
    if not Stock.objects.filter(pk=stock_id, low_stock_alerted=False).update(low_stock_alerted=True):
        return
    alert = LowStockAlert.objects.create(store_id=store_id, stock_id=stock_id, available=available, threshold=threshold)
    events.publish("stock_low", alert_id=alert.pk, store_id=store_id, stock_id=stock_id)
