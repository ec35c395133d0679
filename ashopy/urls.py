from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from ashopy.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("ashopy.api.urls")),
    path("account/orders/", include("ashopy.customer.urls")),
    path("account/invoices/", include("ashopy.customer.invoices")),
    path("quote/", include("ashopy.customer.quotes")),
    path("account/quote-requests/", include("ashopy.customer.quote_requests")),
    path("account/", include("ashopy.accounts.urls")),
    path("cart/", include("ashopy.cart.urls")),
    path("checkout/", include("ashopy.checkout.urls")),
    path("staff/", include("ashopy.backoffice.home.urls")),
    path("staff/inventory/", include("ashopy.backoffice.inventory.urls")),
    path("staff/inventory/", include("ashopy.backoffice.purchasing.urls")),
    path("staff/orders/", include("ashopy.backoffice.orders.urls")),
    path("staff/customers/", include("ashopy.backoffice.customers.urls")),
    path("staff/invoices/", include("ashopy.backoffice.sales.urls")),
    path("staff/quotes/", include("ashopy.backoffice.quotes.urls")),
    path("staff/accounting/", include("ashopy.backoffice.accounting.urls")),
    path("staff/promotions/", include("ashopy.backoffice.promotions.urls")),
    path("staff/till/", include("ashopy.backoffice.till.urls")),
    path("staff/catalog/io/", include("ashopy.backoffice.catalog_io.urls")),
    path("staff/pos/", include("ashopy.backoffice.pos.urls")),

    path("staff/catalog/", include("ashopy.backoffice.catalog.urls")),
    path("payments/", include("ashopy.payments.urls")),
    path("", include("ashopy.catalog.urls")),
]

if settings.DEBUG and getattr(settings, "DEMO_WALLETS", False):  # never mounted in production
    urlpatterns.insert(0, path("demo/wallets/", include("ashopy.demo.wallets")))

if settings.SERVE_MEDIA:
    urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))

handler403 = "ashopy.core.views.permission_denied"
handler404 = "ashopy.core.views.page_not_found"
handler500 = "ashopy.core.views.server_error"
