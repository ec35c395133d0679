"""Placeholder product pictures: a coloured square with the product's initials, as a small JPEG."""

import hashlib
import io
import unicodedata

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

SIZE = 600
PALETTE = [
    (33, 87, 153), (0, 122, 94), (184, 76, 31), (112, 48, 160), (20, 110, 140),
    (160, 40, 70), (60, 60, 70), (196, 140, 20), (40, 120, 60), (90, 70, 150),
]


def initials(name: str) -> str:
    """The first letters of the first two words, folded to ASCII like the label ("Écran Ultra" → "EU")."""
    words = [w for w in fold_to_ascii(name.replace("—", " ")).split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def fold_to_ascii(text: str) -> str:
    text = text.replace("—", "-").replace("–", "-").replace("²", "2").replace("’", "'")
    for letters, ascii_letters in (("Œ", "OE"), ("œ", "oe"), ("Æ", "AE"), ("æ", "ae"), ("ß", "ss")):
        text = text.replace(letters, ascii_letters)  # ligatures NFKD leaves whole
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def colour_for(key: str, shade: int = 0) -> tuple[int, int, int]:
    """A stable colour per `key`; each `shade` is a little lighter (the other views of a product)."""
    base = PALETTE[int(hashlib.md5(key.encode(), usedforsecurity=False).hexdigest(), 16) % len(PALETTE)]
    return tuple(min(255, channel + 28 * shade) for channel in base)


def render(name: str, *, key: str = "", shade: int = 0) -> bytes:
    """A SIZE×SIZE JPEG (about 10 kB) showing the initials of `name` and the name itself."""
    picture = Image.new("RGB", (SIZE, SIZE), colour_for(key or name, shade))
    draw = ImageDraw.Draw(picture)
    draw.text((SIZE / 2, SIZE / 2 - 30), initials(name), fill="white", font=ImageFont.load_default(size=220),
              anchor="mm")
    # Pillow's bundled font has ASCII only: draw "Residence" rather than boxes for "Résidence".
    label = fold_to_ascii(name)
    label = label if len(label) <= 40 else label[:39] + "..."
    draw.text((SIZE / 2, SIZE - 70), label, fill=(235, 235, 235), font=ImageFont.load_default(size=28),
              anchor="mm")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def ensure_image(path: str, name: str, *, key: str = "", shade: int = 0) -> str:
    """Store the picture at `path` in the media storage unless it is there already; return its name."""
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(render(name, key=key, shade=shade)))
    return path
