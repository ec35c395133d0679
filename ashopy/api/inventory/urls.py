"""Routes of the stock API, included at /api/v1/inventory/ inside the "api" namespace."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views as inventory

router = SimpleRouter()
router.register("warehouses", inventory.WarehouseViewSet, basename="inventory-warehouse")
router.register("stock", inventory.StockViewSet, basename="inventory-stock")
router.register("movements", inventory.MovementViewSet, basename="inventory-movement")

urlpatterns = [
    path("low-stock/", inventory.LowStockView.as_view(), name="inventory-low-stock"),
    path("value/", inventory.StockValueView.as_view(), name="inventory-value"),
    *router.urls,
]
