"""Back-office pages of the stock (views.py) and purchasing (purchasing_views.py), under /staff/inventory/."""

from django.urls import path

from . import purchasing_views, views

app_name = "inventory"
urlpatterns = [
    path("", views.stock_list, name="stock_list"),
    path("variants/<int:variant_id>/movements/", views.variant_movements, name="variant_movements"),
    path("movements/", views.movements, name="movements"),
    path("adjust/", views.adjust, name="adjust"),
    path("transfer/", views.transfer, name="transfer"),
    path("count/", views.count, name="count"),
    path("low-stock/", views.low_stock, name="low_stock"),
    path("value/", views.stock_value, name="stock_value"),
    path("suppliers/", purchasing_views.supplier_list, name="supplier_list"),
    path("suppliers/new/", purchasing_views.supplier_edit, name="supplier_create"),
    path("suppliers/<int:pk>/", purchasing_views.supplier_edit, name="supplier_edit"),
    path("purchase-orders/", purchasing_views.purchase_order_list, name="purchase_order_list"),
    path("purchase-orders/new/", purchasing_views.purchase_order_create, name="purchase_order_create"),
    path("purchase-orders/<int:pk>/", purchasing_views.purchase_order_detail, name="purchase_order_detail"),
    path("reorder/", purchasing_views.reorder_suggestions, name="reorder_suggestions"),
]
