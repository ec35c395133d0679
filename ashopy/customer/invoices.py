"""The customer's invoices and credit notes: the list, and the PDF as it was stored when issued."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import path

from ashopy.core.views import refused
from ashopy.sales import selectors, services
from ashopy.sales.errors import InvoiceNotFound, PdfMissing

PAGE_SIZE = 20


@login_required
def invoice_list(request):
    documents = selectors.customer_documents(store=request.store, user=request.user)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "customer/invoices/invoice_list.html", {
        "page": page, "documents": page.object_list, "account_section": "invoices"})


@login_required
def invoice_pdf(request, number):
    try:
        document = selectors.own_document(store=request.store, user=request.user, number=number)
    except InvoiceNotFound as missing:
        raise Http404 from missing
    document = services.ensure_pdf(document)  # stored now if its rendering after the issue failed
    try:
        stored = selectors.stored_pdf(document)
    except PdfMissing as lost:  # its file is gone: said, logged, never made again
        return refused(request, lost)
    return FileResponse(stored, content_type="application/pdf", as_attachment=True, filename=f"{document.number}.pdf")


app_name = "invoices"
urlpatterns = [
    path("", invoice_list, name="list"),
    path("<str:number>.pdf", invoice_pdf, name="pdf"),
]
