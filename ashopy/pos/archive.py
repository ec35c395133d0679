"""A store's yearly till archive (the « archivage » of the anti-fraud rules): a zip of CSV files —
tickets, lines, payments, closures and the chain — with the store's public key, every public key
its records were signed with (`public_keys/<key id>.pem`: the current one and the retired ones, after
a key rotation) and a manifest that gives each file's SHA-256, signed with the store's Ed25519 key.
Writing one is logged as a chain record on each of the store's tills; `verify_archive` checks a zip as
an auditor would: the manifest, the files' hashes and every record's signature with the key it names.
"""

import csv
import hashlib
import io
import json
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import serialization
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from ashopy.stores.models import Store

from . import chain, signing
from .models import ChainRecord, Closure, Ticket, TicketLine, TicketPayment, Till

MANIFEST, SIGNATURE, PUBLIC_KEY = "manifest.json", "manifest.sig", "public_key.pem"
KEYS = "public_keys/"


def _csv(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _files(store: Store, start: datetime, end: datetime) -> dict[str, bytes]:
    tickets = Ticket.objects.filter(store=store, created_at__gte=start, created_at__lt=end).select_related("till")
    lines = TicketLine.objects.filter(ticket__in=tickets).order_by("ticket_id", "id")
    payments = TicketPayment.objects.filter(ticket__in=tickets).order_by("ticket_id", "id")
    records = (ChainRecord.objects.filter(till__store=store, created_at__gte=start, created_at__lt=end)
               .select_related("till").order_by("till_id", "sequence"))
    closures = Closure.objects.filter(till__store=store, period_start__gte=start.date(), period_start__lt=end.date())
    return {
        "tickets.csv": _csv(["id", "till", "number", "kind", "refunds", "created_at", "cashier", "customer", "currency",
                             "total_net", "total_tax", "total", "total_discount", "vat", "promo_code",
                             "made_offline_at"],
                            ([t.pk, t.till.code, t.number, t.kind, t.refunds_id or "", chain.moment(t.created_at),
                              t.cashier_id, t.customer_id or "", t.currency, t.total_net, t.total_tax, t.total,
                              t.total_discount, json.dumps(t.vat, sort_keys=True), t.promo_code,
                              chain.moment(t.made_offline_at) or ""]
                             for t in tickets.order_by("id"))),
        "lines.csv": _csv(["id", "ticket", "sku", "label", "quantity", "unit_price", "discount", "discount_reason",
                           "ticket_discount", "vat_rate", "net", "tax", "gross", "refunded_line", "code_discount"],
                          ([x.pk, x.ticket_id, x.sku, x.label, x.quantity, x.unit_price, x.discount, x.discount_reason,
                            x.ticket_discount, x.vat_rate, x.net, x.tax, x.gross, x.refunded_line_id or "",
                            x.code_discount]
                           for x in lines)),
        "payments.csv": _csv(["id", "ticket", "method", "amount", "tendered", "change_given"],
                             ([p.pk, p.ticket_id, p.method, p.amount, p.tendered, p.change_given] for p in payments)),
        "closures.csv": _csv(["id", "till", "kind", "from", "to", "tickets", "total", "year_total", "perpetual_total",
                              "perpetual_absolute_total", "vat"],
                             ([c.pk, c.till_id, c.kind, c.period_start, c.period_end, c.tickets, c.total, c.year_total,
                               c.perpetual_total, c.perpetual_absolute_total, json.dumps(c.vat, sort_keys=True)]
                              for c in closures.order_by("till_id", "kind", "period_start"))),
        "chain.csv": _csv(["till", "sequence", "kind", "object_id", "created_at", "previous_hash", "hash", "signature",
                           "key_id", "software_version", "canonical"],
                          ([r.till.code, r.sequence, r.kind, r.object_id or "", chain.moment(r.created_at),
                            r.previous_hash, r.hash, r.signature, r.key_id, r.software_version, r.canonical]
                           for r in records)),
    }


def export_archive(*, store: Store, year: int, directory: Path) -> Path:
    """Write the store's archive of `year` into `directory` and log it on every till of the store."""
    zone = ZoneInfo(store.timezone)
    start, end = datetime.combine(date(year, 1, 1), time.min, zone), datetime.combine(date(year + 1, 1, 1), time.min,
                                                                                        zone)
    files = _files(store, start, end)
    files[PUBLIC_KEY] = signing.public_pem(store).encode()
    files.update(_keys(store, start, end))
    created = chain.now_to_the_second()
    manifest = chain.canonical({
        "store": store.slug, "year": year, "created_at": chain.moment(created), "software": chain.SOFTWARE_VERSION,
        "key_id": signing.key_id(signing.public_key(store)),
        "files": {name: hashlib.sha256(content).hexdigest() for name, content in sorted(files.items())}}).encode()
    signature, _key = signing.sign(store, manifest)
    path = Path(directory) / f"pos-archive-{store.slug}-{year}-{created:%Y%m%dT%H%M%SZ}.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        archive.writestr(MANIFEST, manifest)
        archive.writestr(SIGNATURE, signature)
    _log(store, {"kind": "export", "year": year, "file": path.name,
                 "manifest_sha256": hashlib.sha256(manifest).hexdigest()}, created)
    return path


def _keys(store: Store, start: datetime, end: datetime) -> dict[str, bytes]:
    """Every public key the archived records were signed with, and the current one, by key id; a record
    signed with a key that is not configured stops the export (its archive could not be checked)."""
    keys = signing.verification_keys(store)
    used = set(ChainRecord.objects.filter(till__store=store, created_at__gte=start, created_at__lt=end)
               .values_list("key_id", flat=True).distinct())
    unknown = sorted(used - set(keys))
    if unknown:
        raise ImproperlyConfigured(
            f"Records of {store.slug} are signed with unknown key {', '.join(unknown)}: add its public key to "
            f"{signing.RETIRED_SETTING} before exporting.")
    current = signing.key_id(signing.public_key(store))
    return {f"{KEYS}{key}.pem": signing.pem(keys[key]).encode() for key in sorted(used | {current})}


def _log(store: Store, data: dict, at: datetime) -> None:
    for till_id in Till.objects.filter(store=store).order_by("id").values_list("pk", flat=True):
        with transaction.atomic():
            till = chain.lock_till(till_id)
            chain.append(till=till, store=store, kind=ChainRecord.Kind.EXPORT, object_id=None, data=data, at=at)


def verify_archive(path: Path, public_pem: bytes | None = None) -> list[str]:
    """What is wrong with an archive (nothing: []): the manifest's signature with the given public key
    (or the one inside), every file's SHA-256, and every chain record's signature with the key it names."""
    problems = []
    with zipfile.ZipFile(path) as archive:
        manifest = archive.read(MANIFEST)
        key = serialization.load_pem_public_key(public_pem or archive.read(PUBLIC_KEY))
        if not signing.is_valid(key, archive.read(SIGNATURE).decode(), manifest):
            problems.append("the manifest's signature is not valid")
        present = set(archive.namelist())
        for name, expected in json.loads(manifest)["files"].items():
            if name not in present:
                problems.append(f"{name} is missing")
            elif hashlib.sha256(archive.read(name)).hexdigest() != expected:
                problems.append(f"{name} does not match its hash")
        problems.extend(_record_problems(archive))
    return problems


def _record_problems(archive: zipfile.ZipFile) -> list[str]:
    """Each chain record's signature, checked with the key it names among the archive's public keys."""
    keys = {name.removeprefix(KEYS).removesuffix(".pem"): serialization.load_pem_public_key(archive.read(name))
            for name in archive.namelist() if name.startswith(KEYS)}
    problems = []
    for row in csv.DictReader(io.StringIO(archive.read("chain.csv").decode())):
        key = keys.get(row["key_id"])
        where = f"record {row['till']} #{row['sequence']}"
        if key is None:
            problems.append(f"{where} is signed with unknown key {row['key_id']}")
        elif not signing.is_valid(key, row["signature"], row["hash"].encode()):
            problems.append(f"{where}: its signature is not valid for key {row['key_id']}")
    return problems
