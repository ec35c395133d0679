"""Back-office order pages, mounted at /staff/orders/."""

from django.urls import path

from . import staff_views

app_name = "checkout_staff"
urlpatterns = [
    path("", staff_views.order_list, name="order_list"),
    path("<slug:number>/", staff_views.order_detail, name="order_detail"),
    path("<slug:number>/<slug:action>/", staff_views.order_action, name="order_action"),
]
