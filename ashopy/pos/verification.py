"""Checking a till's chain: every record's canonical text is rebuilt from the stored rows, its hash
recomputed from the record before, its signature verified with the key the record names (`key_id`):
the store's current key or one it retired (`POS_RETIRED_KEYS`, see signing.py); a ticket that has no
record is reported too. The first record that does not match is named.

Reads in bulk (the records, then each kind of source row with its lines and payments), so checking
a few thousand records is a handful of queries and the hashing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from . import chain, signing
from .models import (
    ChainRecord,
    Closure,
    Duplicate,
    Ticket,
    TicketLine,
    TicketPayment,
    Till,
    TillSession,
    ticket_reference,
)


@dataclass(frozen=True)
class Failure:
    sequence: int | None
    record_id: int | None
    reason: str

    def __str__(self):
        where = f"record #{self.sequence} (id {self.record_id})" if self.sequence is not None else "the till"
        return f"{where}: {self.reason}"


@dataclass
class Report:
    till: Till
    records: int = 0
    failure: Failure | None = None
    counts: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.failure is None


_TICKET = ("id", "kind", "store_id", "till_id", "number", "created_at", "cashier_id", "customer_id", "currency",
           "discount_reason", "promo_code", "total_discount", "total_net", "total_tax", "total", "vat",
           "refunds_id", "made_offline_at")
_LINE = ("ticket_id", "variant_id", "sku", "label", "quantity", "unit_price", "discount", "discount_reason",
         "ticket_discount", "code_discount", "vat_rate", "net", "tax", "gross", "refunded_line_id")
_PAYMENT = ("ticket_id", "method", "amount", "tendered", "change_given")


def _rows(queryset, fields) -> list[SimpleNamespace]:
    return [SimpleNamespace(**dict(zip(fields, row, strict=True))) for row in queryset.values_list(*fields)]


def _ticket_texts(till: Till) -> dict[int, str]:
    """Every ticket of the till as its canonical text, read as plain rows (three queries)."""
    lines, payments = defaultdict(list), defaultdict(list)
    for line in _rows(TicketLine.objects.filter(ticket__till=till).order_by("id"), _LINE):
        lines[line.ticket_id].append(line)
    for payment in _rows(TicketPayment.objects.filter(ticket__till=till).order_by("id"), _PAYMENT):
        payments[payment.ticket_id].append(payment)
    refunded = {pk: ticket_reference(code, number) for pk, code, number in Ticket.objects.filter(
        refund_tickets__till=till).distinct().values_list("pk", "till__code", "number")}
    return {ticket.id: chain.canonical(chain.ticket_data(ticket, lines[ticket.id], payments[ticket.id],
                                                         refunded.get(ticket.refunds_id)))
            for ticket in _rows(Ticket.objects.filter(till=till), _TICKET)}


def _sources(till: Till, records: list[ChainRecord]) -> dict[str, dict]:
    """The rows the records were made from, by kind and id, as canonical texts (every ticket of the
    till, so that one without a record shows too)."""
    ids: dict[str, list[int]] = {}
    for record in records:
        ids.setdefault(record.kind, []).append(record.object_id)
    currency = till.store.currency
    texts: dict[str, dict] = {"ticket": _ticket_texts(till)}
    if ChainRecord.Kind.SESSION_CLOSING in ids:
        texts[ChainRecord.Kind.SESSION_CLOSING] = {
            s.pk: chain.canonical(chain.session_data(s, currency))
            for s in TillSession.objects.filter(pk__in=ids[ChainRecord.Kind.SESSION_CLOSING])}
    if ChainRecord.Kind.DUPLICATE in ids:
        texts[ChainRecord.Kind.DUPLICATE] = {
            d.pk: chain.canonical(chain.duplicate_data(d, d.ticket.reference))
            for d in Duplicate.objects.filter(pk__in=ids[ChainRecord.Kind.DUPLICATE]).select_related("ticket__till")}
    if ChainRecord.Kind.CLOSURE in ids:
        texts[ChainRecord.Kind.CLOSURE] = {
            c.pk: chain.canonical(chain.closure_data(c, currency))
            for c in Closure.objects.filter(pk__in=ids[ChainRecord.Kind.CLOSURE])}
    return texts


def _source_text(texts: dict, record: ChainRecord) -> str | None:
    if record.kind == ChainRecord.Kind.EXPORT:
        return record.canonical  # an export's data is the archive's manifest, kept in the record only
    group = "ticket" if record.kind in (ChainRecord.Kind.SALE, ChainRecord.Kind.REFUND) else record.kind
    return texts.get(group, {}).get(record.object_id)


def verify_till(till: Till) -> Report:
    """Check the till's whole chain; the report names the first record that fails."""
    records = list(ChainRecord.objects.filter(till=till).order_by("sequence"))
    report = Report(till=till, records=len(records))
    keys = signing.verification_keys(till.store)
    texts = _sources(till, records)
    previous = chain.GENESIS
    for expected_sequence, record in enumerate(records, start=1):
        reason = _check(record, expected_sequence, previous, _source_text(texts, record), keys)
        if reason:
            report.failure = Failure(record.sequence, record.pk, reason)
            return report
        previous = record.hash
    chained = {record.object_id for record in records
               if record.kind in (ChainRecord.Kind.SALE, ChainRecord.Kind.REFUND)}
    unchained = sorted(set(texts["ticket"]) - chained)
    if unchained:
        ticket = Ticket.objects.select_related("till").get(pk=unchained[0])
        report.failure = Failure(None, None, f"ticket {ticket.reference} has no chain record")
    return report


def _check(record, sequence, previous, source, keys) -> str:
    if record.sequence != sequence:
        return f"sequence {record.sequence} where {sequence} was expected (a record is missing)"
    if record.previous_hash != previous:
        return "its previous hash is not the hash of the record before"
    if source is None:
        return f"the {record.get_kind_display().lower()} it records is missing"
    if source != record.canonical:
        return f"the stored {record.get_kind_display().lower()} differs from what was recorded"
    if chain.digest(previous, record.canonical) != record.hash:
        return "its hash does not match its content"
    key = keys.get(record.key_id)
    if key is None:
        return (f"it is signed with unknown key {record.key_id} (neither the store's current key nor one of "
                f"{signing.RETIRED_SETTING})")
    if not signing.is_valid(key, record.signature, record.hash.encode()):
        return f"its signature is not valid for key {record.key_id}"
    return ""


def verify(tills) -> list[Report]:
    return [verify_till(till) for till in tills.select_related("store").order_by("store_id", "code")]
