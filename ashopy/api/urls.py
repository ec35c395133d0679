"""`/api/v1/` (the store is chosen by the Host header), the OpenAPI schema and its Swagger UI."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from .accounts import views as accounts
from .cart import views as cart
from .catalog import nested as catalog_nested
from .catalog import views as catalog
from .checkout import views as checkout

app_name = "api"

# One router, so that /api/v1/ keeps its browsable root listing the collections.
router = DefaultRouter()
router.register("categories", catalog.CategoryViewSet, basename="category")
router.register("brands", catalog.BrandViewSet, basename="brand")
router.register("products", catalog.ProductViewSet, basename="product")
router.register(r"products/(?P<product_slug>[^/.]+)/variants", catalog_nested.VariantViewSet,
                basename="product-variant")
router.register(r"products/(?P<product_slug>[^/.]+)/images", catalog_nested.ImageViewSet, basename="product-image")
router.register("me/addresses", accounts.AddressViewSet, basename="address")

v1 = [
    path("", include("ashopy.api.accounts.urls")),
    path("inventory/", include("ashopy.api.inventory.urls")),
    path("purchasing/", include("ashopy.api.purchasing.urls")),
    path("payments/", include("ashopy.api.payments.urls")),
    path("pos/", include("ashopy.api.pos.urls")),
    path("cart/", cart.CartView.as_view(), name="cart"),
    path("cart/lines/", cart.CartLinesView.as_view(), name="cart-lines"),
    path("cart/code/", cart.CartCodeView.as_view(), name="cart-code"),
    path("cart/lines/<int:line_id>/", cart.CartLineView.as_view(), name="cart-line"),
    path("checkout/", checkout.CheckoutView.as_view(), name="checkout"),
    path("checkout/shipping-methods/", checkout.ShippingMethodsView.as_view(), name="checkout-shipping-methods"),
    path("checkout/payment-methods/", checkout.PaymentMethodsView.as_view(), name="checkout-payment-methods"),
    path("checkout/<uuid:token>/pay/", checkout.PayView.as_view(), name="checkout-pay"),
    path("checkout/<uuid:token>/cancel/", checkout.CancelPaymentView.as_view(), name="checkout-cancel"),
    path("", include("ashopy.api.orders.urls")),
    path("", include("ashopy.api.quotes.urls")),
    path("", include("ashopy.api.sales.urls")),
    path("", include("ashopy.api.promotions.urls")),
    path("", include(router.urls)),
]


@csrf_exempt  # it changes nothing: a POST to an unknown address gets the same JSON 404 as a GET, not a CSRF 403
def not_found(request, path=""):
    """Unknown API addresses answer in the API's error shape, not with the shop's HTML 404 page."""
    return JsonResponse({"code": "not_found", "detail": "No such endpoint.", "fields": {}}, status=404)


urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's init script from docs/?script: no inline script under the CSP.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
         name="docs"),
    re_path(r"^(?P<path>[\s\S]*)$", not_found),  # [\s\S]: a newline in the path too
]
