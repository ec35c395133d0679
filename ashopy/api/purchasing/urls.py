"""`/api/v1/purchasing/`: suppliers and their items, purchase orders and their actions, reorder suggestions."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views as purchasing

router = SimpleRouter()
router.register("suppliers", purchasing.SupplierViewSet, basename="purchasing-supplier")
router.register(r"suppliers/(?P<supplier_pk>\d+)/items", purchasing.SupplierItemViewSet,
                basename="purchasing-supplier-item")
router.register("orders", purchasing.PurchaseOrderViewSet, basename="purchasing-order")

urlpatterns = [
    path("reorder-suggestions/", purchasing.ReorderSuggestionsView.as_view(), name="purchasing-reorder-suggestions"),
    path("reorder-suggestions/draft/", purchasing.ReorderDraftView.as_view(), name="purchasing-reorder-draft"),
    path("", include(router.urls)),
]
