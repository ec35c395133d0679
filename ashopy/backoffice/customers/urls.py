"""Back-office customer pages, mounted at /staff/customers/."""

from django.urls import path

from . import views

app_name = "staff_customers"
urlpatterns = [
    path("", views.customer_list, name="customer_list"),
    path("<int:pk>/", views.customer_detail, name="customer_detail"),
    path("<int:pk>/notes/", views.add_note, name="add_note"),
    path("<int:pk>/verify-segment/", views.verify_segment, name="verify_segment"),
]
