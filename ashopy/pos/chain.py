"""The till's chain: every ticket, refund, session closing, duplicate, closure and archive export
appends a record holding its canonical text, the previous record's hash, its own hash and the
store's Ed25519 signature of that hash (French anti-fraud rules for cash registers, CGI art.
286-I-3° bis: inalterability, security, conservation, archiving).

One chain per till: a till is one register, the unit NF525 audits, and tills sell in parallel
without queueing on one store-wide lock. A record is appended under the lock of its till's row
(`select_for_update`), taken at the start of the transaction that writes the ticket, so two
concurrent sales at one till chain one after the other.

Canonical text: JSON with sorted keys and no spaces, amounts as integers in the currency's minor
unit, VAT rates as strings with two decimals, times in UTC to the second. It is rebuilt from the
stored rows when the chain is verified, so a changed ticket, line or payment breaks its record.
hash = SHA-256(previous hash + canonical text); signature = Ed25519 over the hash (hex, ASCII).
"""

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from importlib import metadata

from babel.numbers import get_currency_precision
from django.utils import timezone

from . import signing
from .models import ChainRecord, Closure, Duplicate, Ticket, Till, TillSession

GENESIS = "0" * 64
RATE = Decimal("0.01")


def software_version() -> str:
    try:
        return f"ashopy {metadata.version('ashopy')}"
    except metadata.PackageNotFoundError:
        return "ashopy (source)"


SOFTWARE_VERSION = software_version()


def canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@lru_cache(maxsize=16)
def _scale(currency: str) -> int:
    return 10 ** get_currency_precision(currency)


def minor(amount, currency: str) -> int:
    """An amount in the currency's minor unit, as an integer (12,50 € → 1250; 12 500 F CFA → 12500)."""
    return int((Decimal(amount) * _scale(currency)).to_integral_value())


def rate(value) -> str:
    return str(Decimal(value).quantize(RATE))


def moment(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def now_to_the_second() -> datetime:
    return timezone.now().replace(microsecond=0)


# --- what each kind of record says --------------------------------------------------------------

def ticket_data(ticket: Ticket, lines, payments, refunded_reference: str | None) -> dict:
    """`ticket`, `lines` and `payments` are model instances, or rows with the same attribute names
    (the chain check reads thousands of them as plain rows). A promo code, a line's share of its discount
    and the moment an offline sale was made are written only when there is one, so that the records made
    before these came to the till still verify."""
    currency = ticket.currency
    data = {
        "kind": ticket.kind, "store": ticket.store_id, "till": ticket.till_id, "number": ticket.number,
        "created_at": moment(ticket.created_at), "cashier": ticket.cashier_id, "customer": ticket.customer_id,
        "currency": currency, "refunds": refunded_reference, "discount_reason": ticket.discount_reason,
        "total_discount": minor(ticket.total_discount, currency), "total_net": minor(ticket.total_net, currency),
        "total_tax": minor(ticket.total_tax, currency), "total": minor(ticket.total, currency),
        "vat": {rate(key): {part: minor(value, currency) for part, value in amounts.items()}
                for key, amounts in ticket.vat.items()},
        "lines": [_line_data(line, currency) for line in lines],
        "payments": [{"method": payment.method, "amount": minor(payment.amount, currency),
                      "tendered": minor(payment.tendered, currency), "change": minor(payment.change_given, currency)}
                     for payment in payments],
    }
    if ticket.promo_code:
        data["promo_code"] = ticket.promo_code
    if ticket.made_offline_at is not None:
        data["made_offline_at"] = moment(ticket.made_offline_at)
    return data


def _line_data(line, currency: str) -> dict:
    data = {"variant": line.variant_id, "sku": line.sku, "label": line.label, "quantity": line.quantity,
            "unit_price": minor(line.unit_price, currency), "discount": minor(line.discount, currency),
            "discount_reason": line.discount_reason,
            "ticket_discount": minor(line.ticket_discount, currency), "vat_rate": rate(line.vat_rate),
            "net": minor(line.net, currency), "tax": minor(line.tax, currency),
            "gross": minor(line.gross, currency), "refunded_line": line.refunded_line_id}
    if line.code_discount:
        data["code_discount"] = minor(line.code_discount, currency)
    return data


def session_data(session: TillSession, currency: str) -> dict:
    def amounts(values: dict) -> dict:
        return {method: minor(Decimal(value), currency) for method, value in values.items()}

    return {"kind": "closing", "session": session.pk, "till": session.till_id, "cashier": session.cashier_id,
            "opened_at": moment(session.opened_at), "closed_at": moment(session.closed_at),
            "closed_by": session.closed_by_id, "opening_float": session.opening_float,
            "opening_total": minor(session.opening_total, currency), "counted": amounts(session.counted),
            "expected": amounts(session.expected), "differences": amounts(session.differences), "note": session.note}


def duplicate_data(duplicate: Duplicate, ticket_reference: str) -> dict:
    return {"kind": "duplicate", "ticket": ticket_reference, "ticket_id": duplicate.ticket_id,
            "number": duplicate.number, "user": duplicate.user_id, "created_at": moment(duplicate.created_at)}


def closure_data(closure: Closure, currency: str) -> dict:
    return {"kind": "closure", "period": closure.kind, "till": closure.till_id,
            "from": closure.period_start.isoformat(), "to": closure.period_end.isoformat(),
            "tickets": closure.tickets, "created_at": moment(closure.created_at),
            "vat": {rate(key): {part: minor(Decimal(value), currency) for part, value in amounts.items()}
                    for key, amounts in closure.vat.items()},
            "total": minor(closure.total, currency), "year_total": minor(closure.year_total, currency),
            "perpetual_total": minor(closure.perpetual_total, currency),
            "perpetual_absolute_total": minor(closure.perpetual_absolute_total, currency)}


# --- appending ----------------------------------------------------------------------------------

def lock_till(till_id: int) -> Till:
    """The till's row with its store and warehouse, locked until the commit: one query."""
    return Till.objects.select_for_update(of=("self",)).select_related("store", "warehouse").get(pk=till_id)


def digest(previous_hash: str, text: str) -> str:
    return hashlib.sha256((previous_hash + text).encode()).hexdigest()


def append(*, till: Till, store, kind: str, object_id: int | None, data: dict, at: datetime | None = None
           ) -> ChainRecord:
    """Chain `data` after the till's last record. `till` must have been read with its lock (`lock_till`,
    `services.locked_session`); its head is moved on, in the database and on the instance."""
    text = canonical(data)
    previous = till.chain_head or GENESIS
    record_hash = digest(previous, text)
    signature, key = signing.sign(store, record_hash.encode())
    record = ChainRecord.objects.create(
        till_id=till.pk, sequence=till.chain_length + 1, kind=kind, object_id=object_id,
        canonical=text, previous_hash=previous, hash=record_hash, signature=signature, key_id=key,
        software_version=SOFTWARE_VERSION, created_at=at or now_to_the_second())
    till.chain_length, till.chain_head = record.sequence, record.hash
    Till.objects.filter(pk=till.pk).update(chain_length=till.chain_length, chain_head=till.chain_head,
                                           last_ticket_number=till.last_ticket_number)
    return record
