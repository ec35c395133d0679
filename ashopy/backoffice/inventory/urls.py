"""Back-office pages of the stock, under /staff/inventory/ (purchasing's pages share the prefix: purchasing/urls.py)."""

from django.urls import path

from . import views

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
]
