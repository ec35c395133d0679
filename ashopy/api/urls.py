"""`/api/v1/` (the store is chosen by the Host header), the OpenAPI schema and its Swagger UI."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import accounts, cart, catalog, catalog_nested, checkout, orders, payments

app_name = "api"

router = DefaultRouter()
router.register("categories", catalog.CategoryViewSet, basename="category")
router.register("brands", catalog.BrandViewSet, basename="brand")
router.register("products", catalog.ProductViewSet, basename="product")
router.register(r"products/(?P<product_slug>[^/.]+)/variants", catalog_nested.VariantViewSet,
                basename="product-variant")
router.register(r"products/(?P<product_slug>[^/.]+)/images", catalog_nested.ImageViewSet, basename="product-image")
router.register("me/addresses", accounts.AddressViewSet, basename="address")

v1 = [
    path("auth/register/", accounts.RegisterView.as_view(), name="register"),
    path("auth/token/", accounts.TokenObtainView.as_view(), name="token"),
    path("auth/token/refresh/", accounts.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("me/", accounts.MeView.as_view(), name="me"),
    path("inventory/", include("ashopy.api.inventory_urls")),
    path("purchasing/", include("ashopy.api.purchasing_urls")),
    path("payments/webhooks/<str:provider>/", payments.PaymentWebhookView.as_view(), name="payment-webhook"),
    path("cart/", cart.CartView.as_view(), name="cart"),
    path("cart/lines/", cart.CartLinesView.as_view(), name="cart-lines"),
    path("cart/lines/<int:line_id>/", cart.CartLineView.as_view(), name="cart-line"),
    path("checkout/", checkout.CheckoutView.as_view(), name="checkout"),
    path("checkout/shipping-methods/", checkout.ShippingMethodsView.as_view(), name="checkout-shipping-methods"),
    path("checkout/payment-methods/", checkout.PaymentMethodsView.as_view(), name="checkout-payment-methods"),
    path("checkout/<uuid:token>/pay/", checkout.PayView.as_view(), name="checkout-pay"),
    path("checkout/<uuid:token>/cancel/", checkout.CancelPaymentView.as_view(), name="checkout-cancel"),
    path("orders/", orders.OrderListView.as_view(), name="order-list"),
    path("orders/<str:number>/", orders.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<str:number>/cancel/", orders.OrderCancelView.as_view(), name="order-cancel"),
    path("staff/customers/", include("ashopy.api.staff_customers")),
    path("staff/orders/", orders.StaffOrderListView.as_view(), name="staff-order-list"),
    path("staff/orders/<str:number>/", orders.StaffOrderDetailView.as_view(), name="staff-order-detail"),
    path("staff/orders/<str:number>/transition/", orders.StaffOrderTransitionView.as_view(),
         name="staff-order-transition"),
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
