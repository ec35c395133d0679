"""`{% quote_request_offer lines %}`: the cart page's « Demander un devis » button, when `sales.quote_requests`
offers it to this visitor for these lines."""

from django import template

from ashopy.sales import quote_requests

register = template.Library()


@register.inclusion_tag("customer/quote_requests/_cart_offer.html", takes_context=True)
def quote_request_offer(context, lines):
    request = context["request"]
    return {"offered": quote_requests.may_request(store=request.store, user=request.user, lines=lines),
            "signed_in": request.user.is_authenticated}
