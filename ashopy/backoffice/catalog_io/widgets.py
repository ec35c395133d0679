"""How each cell of an imported or exported file reads and writes, in the language of the file.

French files write numbers with a decimal comma ("12,50"), English ones with a point; neither
uses a thousands separator. A number written with the other separator ("1.234" in French,
"1,234" in English) could mean a thousand or a fraction: it is refused, never guessed. XLSX
cells that hold real numbers are read as numbers whatever the language.
"""

import re
from decimal import Decimal

from django.utils.translation import gettext as _
from import_export.widgets import Widget

from ashopy.core.spreadsheets import FORMULA_STARTS, FileFormat, decimal_cell, escape_formula

MAX_DIGITS = 15  # more is not a price, a weight or a quantity
TRUE_WORDS = frozenset({"1", "yes", "y", "true", "oui", "o", "vrai", "x"})
FALSE_WORDS = frozenset({"0", "no", "n", "false", "non", "faux", ""})


class FileWidget(Widget):
    """A widget that knows the file's format (set by the resource that owns it)."""

    file_format = FileFormat()


def plain_text(value) -> str:
    """A cell as text: a number typed into a spreadsheet ("1234" read as 1234.0) is given back as typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        text = text[1:]
    return text


class TextWidget(FileWidget):
    def __init__(self, max_length: int | None = None):
        super().__init__()
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        text = plain_text(value)
        if self.max_length is not None and len(text) > self.max_length:
            raise ValueError(_("At most %(count)s characters.") % {"count": self.max_length})
        return text

    def render(self, value, obj=None, **kwargs):
        return escape_formula("" if value is None else str(value))


class DecimalWidget(FileWidget):
    """A decimal number. An export writes `places` decimals (the currency's: none for XOF, two for EUR), or
    `stored` ones when the value has more (12,50 in XOF); without `places`, as few as needed."""

    def __init__(self, places: int | None = None, stored: int = 2, *, required: bool = False):
        super().__init__()
        self.places, self.stored, self.required = places, stored, required

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise ValueError(_("This field is required."))
            return None
        if isinstance(value, bool):
            raise ValueError(_("Enter a number."))
        if isinstance(value, int | float):
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        else:
            number = self._parse(str(value).strip())
        if not number.is_finite() or len(number.as_tuple().digits) > MAX_DIGITS:
            raise ValueError(_("Enter a number of at most %(count)s digits.") % {"count": MAX_DIGITS})
        return number

    def _parse(self, text: str) -> Decimal:
        separator = self.file_format.decimal_separator
        pattern = rf"-?\d+(?:{re.escape(separator)}\d+)?"
        if re.fullmatch(pattern, text):
            return Decimal(text.replace(separator, "."))
        if self.file_format.other_separator in text and re.fullmatch(r"-?[\d.,]+", text):
            raise ValueError(_("“%(value)s” is ambiguous: write numbers with “%(separator)s” as the decimal "
                               "separator and no thousands separator.") % {"value": text[:30], "separator": separator})
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text[:30]})

    def render(self, value, obj=None, **kwargs):
        return decimal_cell(value, self.file_format, places=self.places, stored=self.stored)


class IntegerWidget(FileWidget):
    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError(_("Enter a whole number."))
        if isinstance(value, bool):
            raise ValueError(_("Enter a whole number."))
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(_("Enter a whole number."))
            value = int(value)
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if not re.fullmatch(rf"-?\d{{1,{MAX_DIGITS}}}", text):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text[:30]})
        return int(text)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if self.file_format.native else str(value)


class BooleanWidget(FileWidget):
    """Yes or no, in either language (oui/non, yes/no, 1/0, vrai/faux); an empty cell is no."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        word = plain_text(value).lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("Write yes or no."))

    def render(self, value, obj=None, **kwargs):
        return _("yes") if value else _("no")


class OptionsWidget(FileWidget):
    """A variant's options as `Name=Value|Name=Value` (never raw JSON)."""

    def clean(self, value, row=None, **kwargs):
        text = plain_text(value)
        options = {}
        for part in filter(None, (piece.strip() for piece in text.split("|"))):
            name, equals, option = part.partition("=")
            name, option = name.strip(), option.strip()
            if not equals or not name:
                raise ValueError(_("Write options as Name=Value|Name=Value."))
            if name in options:
                raise ValueError(_("The option “%(name)s” is given twice.") % {"name": name[:40]})
            options[name] = option
        return options

    def render(self, value, obj=None, **kwargs):
        return escape_formula("|".join(f"{name}={option}" for name, option in (value or {}).items()))


class LookupWidget(FileWidget):
    """A row of the store found by what the file writes (`find(text)`, None if not there); `code` writes it.

    What was found is remembered for the rest of the file: a thousand lines name a few categories.
    """

    def __init__(self, find, code, message: str, *, required: bool = True):
        super().__init__()
        self.find, self.code, self.message, self.required = find, code, message, required
        self.found: dict[str, object] = {}

    def clean(self, value, row=None, **kwargs):
        text = plain_text(value)
        if not text:
            if self.required:
                raise ValueError(_("This field is required."))
            return None
        if text not in self.found:
            self.found[text] = self.find(text)
        found = self.found[text]
        if found is None:
            raise ValueError(self.message % {"value": text[:60]})
        return found

    def render(self, value, obj=None, **kwargs):
        return escape_formula(self.code(value)) if value is not None else ""
