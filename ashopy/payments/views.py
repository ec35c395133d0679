"""The sandbox provider's page: a tester chooses what the "bank" answers."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from . import providers, services
from .models import Payment
from .providers import sandbox

OUTCOMES = ("succeeded", "failed", "cancelled")


@require_http_methods(["GET", "POST"])
def sandbox_page(request, reference):
    if providers.get(request.store, "sandbox") is None:
        raise Http404
    payment = get_object_or_404(Payment.objects.select_related("order"), store=request.store, provider="sandbox",
                                reference=reference)
    if request.method == "POST" and request.POST.get("outcome") in OUTCOMES and payment.status in Payment.OPEN:
        outcome = request.POST["outcome"]
        body = sandbox.notification_body(reference=payment.reference, outcome=outcome)
        services.handle_notification(store=request.store, provider_code="sandbox", body=body,
                                     headers={sandbox.SIGNATURE_HEADER: sandbox.sign(body)})
        target = payment.data["success_url"] if outcome == "succeeded" else payment.data["cancel_url"]
        if outcome == "failed":
            target += ("&" if "?" in target else "?") + "failed=1"
        return HttpResponseRedirect(target)
    return render(request, "payments/sandbox.html", {"payment": payment, "order": payment.order})
