"""Running an import, dry or for real, and keeping an upload between its dry run and its confirmation.

The dry run calls the real services inside a transaction that is rolled back
(`Resource.import_data(dry_run=True)`); the confirmation runs the same file again in one
transaction, rolled back whole if any line is refused (the store may have changed meanwhile).
The upload is kept server-side, in the cache under a random token that only the session which
uploaded it knows: the confirmation never sends the file again.
"""

import logging
import secrets
from collections import Counter
from dataclasses import dataclass, field

import tablib
from django.core.cache import cache
from django.utils.translation import gettext as _
from import_export.results import RowResult

from .files import check_columns, read_table
from .resources import RESOURCES
from .widgets import FileFormat, plain_text

logger = logging.getLogger(__name__)

STATUSES = {RowResult.IMPORT_TYPE_NEW: "new", RowResult.IMPORT_TYPE_UPDATE: "updated",
            RowResult.IMPORT_TYPE_SKIP: "unchanged", RowResult.IMPORT_TYPE_INVALID: "invalid",
            RowResult.IMPORT_TYPE_ERROR: "invalid"}
KEEP_SECONDS = 30 * 60
SESSION_KEY = "catalog_io_uploads"
KEPT_PER_SESSION = 5


@dataclass
class Line:
    number: int
    status: str
    key: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class Report:
    kind: str
    lines: list[Line]
    counts: Counter

    @property
    def ok(self) -> bool:
        return not self.counts["invalid"]

    @property
    def changed(self) -> bool:
        return bool(self.counts["new"] or self.counts["updated"])


def run_import(*, store, user, kind: str, content: bytes, filename: str, language: str, dry_run: bool) -> Report:
    """Import `content` into `store` (raises files.FileRefused for a file that cannot be read)."""
    table = read_table(content, filename)
    resource_class = RESOURCES[kind]
    resource = resource_class(store=store, user=user, file_format=FileFormat(language), lines=table.lines)
    check_columns(table.headers, known=resource.columns, required=list(resource_class.required_columns))
    dataset = tablib.Dataset(*table.rows, headers=table.headers)
    result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True,
                                  rollback_on_validation_errors=True, raise_errors=False)
    lines = [_line(resource, number, row_result) for number, row_result in enumerate(result.rows, start=1)]
    for error in result.base_errors:
        logger.warning("catalogue import failed", exc_info=error.error)
        lines.append(Line(0, "invalid", "", errors=[("", [_("The import could not be carried out.")])]))
    return Report(kind, lines, Counter(line.status for line in lines))


def _line(resource, number: int, row_result) -> Line:
    status = STATUSES.get(row_result.import_type, "invalid")
    values = row_result.row_values or {}
    key = " @ ".join(plain_text(values.get(column)) for column in resource.key_columns)
    line = Line(resource.line_number(number), status, key)
    if row_result.import_type == RowResult.IMPORT_TYPE_ERROR:
        for error in row_result.errors:
            logger.warning("unexpected error on an imported line", exc_info=error.error)
        line.errors = [("", [_("This line could not be imported.")])]
    elif row_result.validation_error is not None:
        error = row_result.validation_error
        line.errors = (list(error.message_dict.items()) if hasattr(error, "error_dict")
                       else [("", error.messages)])
    elif status in ("new", "updated"):
        line.changes = _changes(resource, row_result, values)
    return line


def _changes(resource, row_result, values) -> list[tuple[str, str, str]]:
    """(column, before, after) for each column the line gives that differs from what the store holds."""
    changes = []
    for name, each in resource.fields.items():
        if name not in values:
            continue
        after = each.export(row_result.instance)
        before = each.export(row_result.original) if row_result.original is not None else ""
        if after != before:
            changes.append((name, before, after))
    return changes


# --- uploads kept between the dry run and the confirmation -----------------------------------

def _cache_key(token: str) -> str:
    return f"catalog-io:upload:{token}"


def keep_upload(request, *, kind: str, content: bytes, filename: str, language: str) -> str:
    token = secrets.token_urlsafe(24)
    cache.set(_cache_key(token), {"store": request.store.pk, "user": request.user.pk, "kind": kind,
                                  "filename": filename, "language": language, "content": content}, KEEP_SECONDS)
    tokens = [*request.session.get(SESSION_KEY, []), token][-KEPT_PER_SESSION:]
    request.session[SESSION_KEY] = tokens
    return token


def kept_upload(request, token: str) -> dict | None:
    """The upload this session kept under `token`, in this store and for this member; None if gone."""
    if not isinstance(token, str) or token not in request.session.get(SESSION_KEY, []):
        return None
    upload = cache.get(_cache_key(token))
    if not upload or upload["store"] != request.store.pk or upload["user"] != request.user.pk:
        return None
    return upload


def forget_upload(request, token: str) -> None:
    cache.delete(_cache_key(token))
    request.session[SESSION_KEY] = [kept for kept in request.session.get(SESSION_KEY, []) if kept != token]
