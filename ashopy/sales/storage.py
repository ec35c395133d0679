"""Where sales documents' PDFs are stored (the FileFields' `upload_to`)."""

from django.utils import timezone


def _store_folder(kind: str, store_id: int, filename: str) -> str:
    """``<kind>/<store id>/<year>/<file>``: two stores' documents (both may print FAC-2026-000026) never
    share a file name."""
    return f"{kind}/{store_id}/{timezone.now():%Y}/{filename}"


def invoice_pdf_path(invoice, filename: str) -> str:
    return _store_folder("invoices", invoice.store_id, filename)


def quote_pdf_path(quote, filename: str) -> str:
    return _store_folder("quotes", quote.store_id, filename)


def accepted_quote_pdf_path(acceptance, filename: str) -> str:
    return _store_folder("quotes/accepted", acceptance.quote.store_id, filename)
