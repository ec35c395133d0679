"""The store's legal profile (/staff/invoices/settings/): what its invoices say about the seller.

Managers and administrators only (`sales.rules`, action "settings"). The registration fields shown are
those of the store's country; `sales.profile.update_legal_profile` checks and saves, and its refusals come
back on the fields.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ashopy.core.errors import DomainError
from ashopy.sales import legal, profile, rules, services
from ashopy.sales.errors import InvalidLegalProfile
from ashopy.stores.decorators import store_staff_required

from .forms import LegalProfileForm
from .views import refused

QUOTE_FIELDS = ("quote_format", "quote_validity_days", "quote_payment_days")
# A buyer with every mention: what `legal.missing_mentions` then lists is what the seller's side lacks.
COMPLETE_BUYER = {"name": "-", "line1": "-", "city": "-"}


@require_http_methods(["GET", "HEAD", "POST"])
@store_staff_required(rules.STAFF_ACTIONS["settings"])
def legal_profile(request):
    store = request.store
    seller = services.profile_of(store)
    fields = profile.fields_for(str(store.country))
    form = LegalProfileForm(store, seller, fields, request.POST if request.method == "POST" else None)
    for name in QUOTE_FIELDS:  # left empty: kept as they are
        if name in form.fields:
            form.fields[name].required = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                profile.update_legal_profile(store=store, user=request.user, **{
                    name: value for name, value in form.cleaned_data.items()
                    if name not in QUOTE_FIELDS or value not in (None, "")})
            except InvalidLegalProfile as error:
                for name, problems in error.fields.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
            except DomainError as error:
                refused(error)
                messages.error(request, str(error))
            else:
                messages.success(request, _("The legal details are saved."))
                return redirect("staff_sales:legal_profile")
        status = 400
    lacking = legal.missing_mentions(seller=services.seller_snapshot(store, services.profile_of(store)),
                                     buyer=COMPLETE_BUYER, lines=1)
    return render(request, "backoffice/sales/legal_profile.html", {
        "form": form, "missing": lacking, "country": store.country,
        "store_fields": [form[name] for name in profile.STORE_FIELDS],
        "profile_fields": [form[name] for name in fields if name not in QUOTE_FIELDS],
        "quote_fields": [form[name] for name in QUOTE_FIELDS if name in form.fields]}, status=status)
