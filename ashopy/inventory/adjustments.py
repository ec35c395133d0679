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
