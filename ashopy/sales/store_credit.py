"""Store credit: granted by a credit note issued as store credit (`services.credit(as_store_credit=True)`),
read by its credit note's number, spent under the credit's row lock so that two tills spending the same
credit at once never take more than remains."""

from decimal import Decimal

from django.db import transaction

from ashopy.core.money import format_money

from .credit_models import StoreCredit, StoreCreditUse
from .errors import StoreCreditNotFound, StoreCreditTooSmall
from .models import Invoice


def grant(note: Invoice) -> StoreCredit:
    """The balance of an issued credit note (the caller's transaction)."""
    return StoreCredit.objects.create(store_id=note.store_id, credit_note=note, currency=note.currency,
                                      amount=note.total, remaining=note.total)


def find(*, store, number: str) -> StoreCredit:
    """The store's credit of the credit note numbered `number` (another store's: StoreCreditNotFound)."""
    credit = (StoreCredit.objects.filter(store=store, credit_note__number=str(number or "")[:30])
              .select_related("credit_note").first())
    if credit is None:
        raise StoreCreditNotFound()
    return credit


@transaction.atomic
def spend(*, store, number: str, amount: Decimal, reference: str) -> StoreCredit:
    """Take `amount` (positive, in the credit's currency) from the credit; never more than remains."""
    credit = (StoreCredit.objects.select_for_update().filter(store=store, credit_note__number=str(number or "")[:30])
              .first())
    if credit is None:
        raise StoreCreditNotFound()
    if amount <= 0 or amount > credit.remaining:
        raise StoreCreditTooSmall(remaining=format_money(credit.remaining, credit.currency))
    credit.remaining -= amount
    credit.save(update_fields=["remaining", "updated_at"])
    StoreCreditUse.objects.create(credit=credit, amount=amount, reference=reference[:40])
    return credit
