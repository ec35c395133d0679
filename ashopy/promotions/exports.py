"""A batch of generated codes as a CSV file, for the back office and the staff API alike.

In the reader's language (`core.spreadsheets`): French `;` with a decimal comma, English `,` with a
point; dates in the store's clock. A batch's codes are handed to a printer or a mailing tool, so the
file says what each code gives and until when.
"""

from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from tablib import Dataset

from ashopy.core.money import quantum
from ashopy.core.spreadsheets import FileFormat, decimal_cell, write_csv
from ashopy.stores.models import Store

from . import selectors

DATE_FORMATS = {",": "%d/%m/%Y %H:%M", ".": "%Y-%m-%d %H:%M"}


def batch_file_name(*, store: Store, batch: str) -> str:
    return f"codes-{store.slug}-{batch.lower()}.csv"


def batch_csv(*, store: Store, batch: str, language: str) -> bytes:
    """Every code of the batch, one a line: code, kind, value, minimum order, validity, uses allowed."""
    file_format = FileFormat(language or "fr")
    places = -quantum(store.currency).as_tuple().exponent
    zone = ZoneInfo(store.timezone)
    date_format = DATE_FORMATS[file_format.decimal_separator]

    def when(value):
        return value.astimezone(zone).strftime(date_format) if value else ""

    dataset = Dataset(headers=[_("Code"), _("Kind"), _("Value"), _("Minimum order"), _("Valid from"),
                               _("Valid until"), _("Maximum uses")])
    for code in selectors.batch_codes(store=store, batch=batch):
        dataset.append([code.code, str(code.get_kind_display()), decimal_cell(code.value, file_format),
                        decimal_cell(code.minimum_amount, file_format, places=places), when(code.starts_at),
                        when(code.ends_at), code.max_uses or ""])
    return write_csv(dataset, file_format)
