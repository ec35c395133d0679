"""What an adjustment of stock records, shared by the back-office form and the API."""

from django.utils.translation import gettext_lazy as _

# Why stock was adjusted: the key starts the movement's note ("damaged: dropped by the courier").
ADJUSTMENT_CAUSES = [
    ("damaged", _("Damaged")),
    ("lost", _("Lost or stolen")),
    ("found", _("Found")),
    ("correction", _("Correction")),
    ("other", _("Other")),
]
NOTE_LENGTH = 200  # the cause and the note fit the movement's 255 characters


def adjustment_note(cause: str, note: str) -> str:
    """The movement note of an adjustment: its cause first, then the person's explanation."""
    return f"{cause}: {note.strip()}"


def note_label(note: str) -> str:
    """A movement's note as a person reads it: an adjustment's cause key in words ("damaged: …" →
    "Endommagé : …" in French); any other note as it was written."""
    cause, separator, rest = note.partition(": ")
    label = dict(ADJUSTMENT_CAUSES).get(cause) if separator else None
    if label is None:
        return note
    return _("%(cause)s: %(note)s") % {"cause": label, "note": rest}


def reference_label(reference: str, warehouse_names: dict[str, str]) -> str:
    """A movement's document reference as a person reads it: a transfer names its two warehouses
    ("transfer:main>shop" → "Transfert Entrepôt de Mbao → Boutique des Almadies"); orders, receipts
    and counts keep their own numbers."""
    kind, separator, route = reference.partition(":")
    source, arrow, destination = route.partition(">")
    if kind != "transfer" or not separator or not arrow:
        return reference
    return _("Transfer %(source)s → %(destination)s") % {
        "source": warehouse_names.get(source, source), "destination": warehouse_names.get(destination, destination)}
