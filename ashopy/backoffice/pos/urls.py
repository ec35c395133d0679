"""Back-office pages of the point of sale, mounted at /staff/pos/."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "staff_pos"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="staff_pos:ticket_list"), name="index"),
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("tickets/<int:pk>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("tickets/<int:pk>/duplicate/", views.reprint, name="reprint"),
    path("tickets/<int:pk>/invoice/", views.invoice, name="invoice"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/report/", views.session_report, name="session_report"),
    path("sessions/<int:pk>/report.pdf", views.session_report_pdf, name="session_report_pdf"),
    path("closures/", views.closure_list, name="closure_list"),
    path("closures/<int:pk>/", views.closure_detail, name="closure_detail"),
    path("chain/", views.chain_check, name="chain_check"),
    path("archive/", views.archive_download, name="archive_download"),
]
