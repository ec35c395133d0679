"""Orders under /api/v1/: the caller's own, and the store's for its staff."""

from django.urls import path

from . import views

urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="order-list"),
    path("orders/<str:number>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<str:number>/cancel/", views.OrderCancelView.as_view(), name="order-cancel"),
    path("staff/orders/", views.StaffOrderListView.as_view(), name="staff-order-list"),
    path("staff/preorders/", views.StaffPreorderListView.as_view(), name="staff-preorder-list"),
    path("staff/orders/<str:number>/", views.StaffOrderDetailView.as_view(), name="staff-order-detail"),
    path("staff/orders/<str:number>/transition/", views.StaffOrderTransitionView.as_view(),
         name="staff-order-transition"),
]
