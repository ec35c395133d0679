"""The coins and notes a till's float is counted in, per currency.

F CFA (XOF, BCEAO): coins 5 to 500, notes 1,000 to 10,000; euro: coins 1 cent to 2 €, notes 5 to 500 €.
Keys are the denominations written as decimal strings, as the opening float stores them.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from ashopy.core.errors import DomainError

COINS = {
    "XOF": ("5", "10", "25", "50", "100", "200", "250", "500"),
    "EUR": ("0.01", "0.02", "0.05", "0.10", "0.20", "0.50", "1", "2"),
}
NOTES = {
    "XOF": ("1000", "2000", "5000", "10000"),
    "EUR": ("5", "10", "20", "50", "100", "200", "500"),
}
MAX_COUNT = 100_000


class InvalidFloat(DomainError):
    code = "invalid_float"
    message = _("Count the float with the coins and notes of the store's currency (whole counts, not negative).")


def denominations(currency: str) -> tuple[str, ...]:
    """Every denomination of `currency`, smallest first (none for a currency the till does not know)."""
    return COINS.get(currency, ()) + NOTES.get(currency, ())


def float_total(counts: dict, currency: str) -> tuple[dict[str, int], Decimal]:
    """The counts normalised to the currency's keys ({"500": 3}) and their total; refuses anything else."""
    allowed = {Decimal(value): value for value in denominations(currency)}
    normalised: dict[str, int] = {}
    if not isinstance(counts, dict):
        raise InvalidFloat()
    for key, count in counts.items():
        try:
            value = allowed[Decimal(str(key))]
        except (InvalidOperation, KeyError, ValueError) as error:
            raise InvalidFloat() from error
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_COUNT:
            raise InvalidFloat()
        if count:
            normalised[value] = normalised.get(value, 0) + count
    total = sum((Decimal(value) * count for value, count in normalised.items()), Decimal(0))
    return normalised, total
