"""Back-office invoice and credit note pages, mounted at /staff/invoices/."""

from django.urls import path

from . import credit_views, profile_views, views

app_name = "staff_sales"
urlpatterns = [
    path("", views.invoice_list, name="invoice_list"),
    path("settings/", profile_views.legal_profile, name="legal_profile"),
    path("orders/<slug:number>/", views.invoice_order, name="invoice_order"),
    path("<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("<int:pk>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/payment/", views.record_payment, name="record_payment"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("<int:pk>/credit/", credit_views.credit_note, name="credit_note"),
]
