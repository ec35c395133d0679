"""Quote requests from the shop: « Demander un devis » on the cart page, « Réserver ce lot » on a lot's page,
and the customer's list of their requests (/account/quote-requests/).

`sales.quote_requests` decides who is offered a quote and writes the draft; these views only sign the
visitor in first, read the form, and turn a refusal into a message. A sent quote links to its customer page.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ashopy.cart.selectors import lines_of
from ashopy.cart.web import cart_for_request
from ashopy.core.errors import DomainError
from ashopy.sales import quote_requests, quote_services

PAGE_SIZE = 20


class RequestForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Your message (optional)"), required=False,
                           max_length=quote_requests.NOTE_LIMIT,
                           widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}))


def _done(request, quote):
    messages.success(request, _("Your request is sent: the shop prepares your quote and e-mails it to you."))
    return redirect("quote_requests:list")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def from_cart(request):
    """The cart's lines as a quote request, with an optional message."""
    cart = cart_for_request(request)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            return _done(request, quote_requests.request_from_cart(store=request.store, user=request.user, cart=cart,
                                                                   note=form.cleaned_data["note"]))
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("cart:detail")
    lines = lines_of(cart)
    if not quote_requests.may_request(store=request.store, user=request.user, lines=lines):
        messages.error(request, str(quote_requests.QuoteRequestNotOffered.message if lines
                                    else quote_requests.QuoteRequestEmpty.message))
        return redirect("cart:detail")
    return render(request, "customer/quote_requests/request_form.html",
                  {"form": form, "lines": lines}, status=400 if form.is_bound else 200)


@login_required
@require_POST
def reserve_lot(request):
    """« Réserver ce lot »: a quote request for one real-estate lot."""
    try:
        return _done(request, quote_requests.request_lot(store=request.store, user=request.user,
                                                         variant_id=request.POST.get("variant"),
                                                         note=request.POST.get("note", "")))
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("catalog:home")


@login_required
def request_list(request):
    """The customer's requests and what became of them; a sent quote opens on its page."""
    page = Paginator(quote_requests.requests_of(store=request.store, user=request.user), PAGE_SIZE) \
        .get_page(request.GET.get("page"))
    rows = [(quote, quote_services.customer_url(quote) if quote.number else "") for quote in page.object_list]
    return render(request, "customer/quote_requests/request_list.html", {
        "page": page, "rows": rows, "account_section": "quote_requests"})


app_name = "quote_requests"
urlpatterns = [
    path("", request_list, name="list"),
    path("from-cart/", from_cart, name="from_cart"),
    path("reserve-lot/", reserve_lot, name="reserve_lot"),
]
