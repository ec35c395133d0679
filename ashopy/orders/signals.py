"""What orders tell the apps above them."""

from django.dispatch import Signal

# Sent inside the transaction when an order is confirmed: paid online, or placed with an offline
# method, its cart already emptied. Arguments: order.
order_confirmed = Signal()
