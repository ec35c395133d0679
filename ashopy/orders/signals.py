"""What orders tell the apps above them."""

from django.dispatch import Signal

# Sent inside the transaction when an order is confirmed: paid online, or placed with an offline
# method. Arguments: order. The checkout empties the cart it came from.
order_confirmed = Signal()
