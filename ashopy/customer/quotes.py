"""The customer's page of a quote, reached by the secret link of its e-mail: read it, download its PDF."""

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import path

from ashopy.sales import quote_selectors, quote_services
from ashopy.sales.errors import QuoteNotFound


def _quote(token: str):
    try:
        return quote_selectors.by_token(token)
    except QuoteNotFound as missing:
        raise Http404 from missing


def quote_page(request, token):
    quote = _quote(token)
    return render(request, "customer/quotes/quote_page.html", {"quote": quote, "lines": list(quote.lines.all())})


def quote_pdf(request, token):
    quote = quote_services.ensure_pdf(_quote(token))
    return FileResponse(quote.pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"{quote.number}.pdf")


app_name = "quotes"
urlpatterns = [
    path("<str:token>/", quote_page, name="page"),
    path("<str:token>/pdf/", quote_pdf, name="pdf"),
]
