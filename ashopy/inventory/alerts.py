"""Low-stock alerts: once per crossing of a stock row's threshold, not on every sale.

Services pass the rows they changed (as returned by their UPDATEs); only a row whose
available quantity crossed its threshold costs a query here. Alerts are e-mailed to the
store's stock managers by a Celery task after the transaction commits, and other apps
hear of them through the `stock_low` signal.
"""

from django.db import transaction
from django.dispatch import Signal

from .models import LowStockAlert, Stock

# Sent after commit with `alert` (a LowStockAlert).
stock_low = Signal()


def after_change(store_id: int, rows) -> None:
    """`rows`: (id, variant_id, warehouse_id, on_hand, reserved, threshold, alerted, quantity) after a change."""
    for stock_id, _variant, _warehouse, on_hand, reserved, threshold, alerted, _quantity in rows:
        available = on_hand - reserved
        if threshold and available <= threshold and not alerted:
            _raise_alert(store_id, stock_id, available, threshold)
        elif alerted and available > threshold:
            Stock.objects.filter(pk=stock_id).update(low_stock_alerted=False)


def _raise_alert(store_id: int, stock_id: int, available: int, threshold: int) -> None:
    # Conditional: of two sales crossing at once, one raises the alert.
    if not Stock.objects.filter(pk=stock_id, low_stock_alerted=False).update(low_stock_alerted=True):
        return
    alert = LowStockAlert.objects.create(store_id=store_id, stock_id=stock_id, available=available, threshold=threshold)

    def notify():
        from .tasks import notify_low_stock

        stock_low.send(sender=LowStockAlert, alert=alert)
        notify_low_stock.delay(alert.pk)

    transaction.on_commit(notify)
