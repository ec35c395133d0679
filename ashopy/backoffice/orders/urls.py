"""Back-office order pages, mounted at /staff/orders/."""

from django.urls import path

from . import views

app_name = "staff_orders"
urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("preorders/", views.preorder_list, name="preorder_list"),
    path("<slug:number>/", views.order_detail, name="order_detail"),
    path("<slug:number>/print/", views.order_print, {"kind": "order"}, name="order_print"),
    path("<slug:number>/packing-slip/", views.order_print, {"kind": "packing"}, name="packing_slip"),
    path("<slug:number>/<slug:action>/", views.order_action, name="order_action"),
]
