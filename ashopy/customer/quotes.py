"""The customer's page of a quote, reached by the secret link of its e-mail (no account needed).

The customer reads the quote, ticks optional lines (the totals are worked out again by the server),
accepts it by typing their name and ticking the terms, or refuses it; once accepted the page shows
the order and lets them pay what is due (the deposit, then the balance) with one of the store's
providers. The quote as sent, and as accepted, download as the PDFs that were stored. An unknown
link, or another store's quote, is a 404.
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ashopy.core.errors import DomainError
from ashopy.payments.providers.base import ProviderError
from ashopy.sales import quote_acceptance, quote_selectors, quote_services
from ashopy.sales.errors import QuoteNotFound
from ashopy.sales.models import Quote

TEMPLATE = "customer/quotes/quote_page.html"


def _quote(request, token: str) -> Quote:
    try:
        quote = quote_selectors.by_token(token)
    except QuoteNotFound as missing:
        raise Http404 from missing
    if quote.store_id != getattr(request.store, "pk", None):
        raise Http404
    return quote


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _context(request, quote: Quote, chosen: set[int], **extra) -> dict:
    lines = list(quote.lines.all())
    kind, due = quote_acceptance.amount_due_now(quote)
    order = quote.order
    open_ = quote.state == Quote.State.SENT and quote_services.local_today(quote.store) <= quote.valid_until
    return {
        "quote": quote, "store": quote.store, "chosen": chosen, "open": open_,
        "required": [line for line in lines if not line.optional],
        "options": [line for line in lines if line.optional],
        "totals": quote_selectors.totals_with(quote, chosen, lines=lines),
        "expired": quote.state == Quote.State.EXPIRED or (quote.state == Quote.State.SENT and not open_),
        "order": order, "due_kind": kind, "due": due,
        "paid": quote_selectors.amount_paid(order) if order is not None else 0,
        "methods": quote_acceptance.payment_methods(quote) if kind else [],
        "payment": order.payments.order_by("-id").first() if order is not None else None,
        "accepted_on": quote_acceptance.accepted_on(quote),
        "pay_by": quote_acceptance.pay_by(quote) if kind else None,
        **extra,
    }


def _chosen(request, quote: Quote) -> set[int] | None:
    """The options ticked in the form; None (and a message) when the form names lines of no option."""
    try:
        return quote_selectors.chosen_options(quote, request.POST.getlist("options"))
    except DomainError as refused:
        messages.error(request, str(refused))
        return None


@require_http_methods(["GET", "HEAD", "POST"])
def quote_page(request, token):
    quote = _quote(request, token)
    if quote.order_id or quote.state != Quote.State.SENT:
        chosen = {line.pk for line in quote.lines.all() if line.optional and line.chosen}
    else:
        chosen = set()
    status = 200
    form = {}
    if request.method == "POST":
        ticked = _chosen(request, quote)
        if ticked is None:
            status = 400
        else:
            chosen = ticked
            form = {"name": request.POST.get("name", "")[:150], "terms": request.POST.get("terms") == "on"}
            if request.POST.get("action") == "accept":
                try:
                    quote_acceptance.accept_quote(
                        quote=quote, name=form["name"], accepted_terms=form["terms"], options=sorted(chosen),
                        ip=_client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""),
                        user=request.user)
                except DomainError as refused:
                    messages.error(request, str(refused))
                    status = refused.status
                    quote = _quote(request, token)
                else:
                    messages.success(request, _("Thank you: the quote is accepted and your order is placed."))
                    return redirect("quotes:page", token=token)
    return render(request, TEMPLATE, _context(request, quote, chosen, form=form), status=status)


@require_POST
def refuse(request, token):
    quote = _quote(request, token)
    try:
        quote_acceptance.refuse_quote(quote=quote, reason=request.POST.get("reason", ""), user=None)
    except DomainError as refused:
        messages.error(request, str(refused))
        return render(request, TEMPLATE, _context(request, quote, set()), status=refused.status)
    messages.info(request, _("You refused the quote."))
    return redirect("quotes:page", token=token)


def _urls(request, quote: Quote, provider_code: str) -> dict[str, str]:
    page = request.build_absolute_uri(reverse("quotes:page", args=[quote.token]))
    return {"success": page, "cancel": page,
            "notify": request.build_absolute_uri(reverse("api:payment-webhook", kwargs={"provider": provider_code}))}


@require_POST
def pay(request, token):
    """Pay what is due now with the chosen provider: off to its page, or back here with its instructions."""
    quote = _quote(request, token)
    code = str(request.POST.get("method", ""))[:30]
    try:
        payment = quote_acceptance.start_quote_payment(quote=quote, provider_code=code,
                                                       urls=_urls(request, quote, code))
    except ProviderError:
        messages.error(request, _("The payment could not be started. Please try again or choose another method."))
        return redirect("quotes:page", token=token)
    except DomainError as refused:
        messages.error(request, str(refused))
        return render(request, TEMPLATE, _context(request, _quote(request, token), set()), status=refused.status)
    if payment.redirect_url:
        return redirect(payment.redirect_url)
    return redirect("quotes:page", token=token)


def quote_pdf(request, token):
    """The quote as it was sent: the stored file."""
    quote = quote_services.ensure_pdf(_quote(request, token))
    return FileResponse(quote.pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"{quote.number}.pdf")


def accepted_pdf(request, token):
    """The quote as the customer accepted it (their options and their name on it)."""
    quote = _quote(request, token)
    acceptance = getattr(quote, "acceptance", None)
    if acceptance is None:
        raise Http404
    return FileResponse(acceptance.pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"{quote.number}-accepted.pdf")


app_name = "quotes"
urlpatterns = [
    path("<str:token>/", quote_page, name="page"),
    path("<str:token>/refuse/", refuse, name="refuse"),
    path("<str:token>/pay/", pay, name="pay"),
    path("<str:token>/pdf/", quote_pdf, name="pdf"),
    path("<str:token>/accepted.pdf", accepted_pdf, name="accepted_pdf"),
]
