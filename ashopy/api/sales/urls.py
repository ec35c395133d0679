"""Invoices and credit notes under /api/v1/: the caller's own by number, the store's for its staff by id, and
the accountant's exports.

A document's number follows the store's format (`SellerProfile.invoice_format`), which may hold `/`, spaces
or other characters a plain `<str:>` would stop at: `<document_number:…>` takes any printable text of the
length a number has. The PDF's route comes first, so that ".../pdf/" is never read as part of a number.
"""

from django.urls import path, register_converter

from . import exports, views


class DocumentNumberConverter:
    """An invoice or credit note number as any store's format writes it: 1 to 30 printable characters."""

    regex = r"[^\x00-\x1f\x7f]{1,30}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DocumentNumberConverter, "document_number")

urlpatterns = [
    path("invoices/", views.InvoiceListView.as_view(), name="invoice-list"),
    path("invoices/<document_number:number>/pdf/", views.InvoicePdfView.as_view(), name="invoice-pdf"),
    path("invoices/<document_number:number>/", views.InvoiceDetailView.as_view(), name="invoice-detail"),
    path("staff/invoices/", views.StaffInvoiceListView.as_view(), name="staff-invoice-list"),
    path("staff/invoices/<int:pk>/", views.StaffInvoiceDetailView.as_view(), name="staff-invoice-detail"),
    path("staff/invoices/<int:pk>/pdf/", views.StaffInvoicePdfView.as_view(), name="staff-invoice-pdf"),
    path("staff/invoices/<int:pk>/issue/", views.StaffIssueView.as_view(), name="staff-invoice-issue"),
    path("staff/invoices/<int:pk>/payments/", views.StaffPaymentView.as_view(), name="staff-invoice-payments"),
    path("staff/invoices/<int:pk>/send/", views.StaffSendView.as_view(), name="staff-invoice-send"),
    path("staff/invoices/<int:pk>/remind/", views.StaffRemindView.as_view(), name="staff-invoice-remind"),
    path("staff/invoices/<int:pk>/credit-notes/", views.StaffCreditNotesView.as_view(),
         name="staff-invoice-credit-notes"),
    path("staff/accounting/journal/", exports.JournalView.as_view(), name="staff-accounting-journal"),
    path("staff/accounting/vat-summary/", exports.VatSummaryView.as_view(), name="staff-accounting-vat-summary"),
]
