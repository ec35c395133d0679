"""The till under /api/v1/pos/ (views.py says who may call what)."""

from django.urls import path

from . import mobile, refunds, views

urlpatterns = [
    path("tills/", views.TillListView.as_view(), name="pos-tills"),
    path("tills/<int:till_id>/sessions/", views.OpenSessionView.as_view(), name="pos-open-session"),
    path("sessions/<int:session_id>/cash-movements/", views.CashMovementView.as_view(), name="pos-cash-movements"),
    path("sessions/<int:session_id>/close/", views.CloseSessionView.as_view(), name="pos-close-session"),
    path("sessions/<int:session_id>/report/", views.SessionReportView.as_view(), name="pos-session-report"),
    path("sessions/<int:session_id>/price/", views.PriceView.as_view(), name="pos-price"),
    path("sales/", views.SaleView.as_view(), name="pos-sales"),
    path("tickets/", views.TicketListView.as_view(), name="pos-tickets"),
    path("tickets/<int:ticket_id>/", refunds.TicketDetailView.as_view(), name="pos-ticket"),
    path("tickets/<int:ticket_id>/duplicate/", views.DuplicateView.as_view(), name="pos-ticket-duplicate"),
    path("tickets/<int:ticket_id>/refund/", refunds.RefundView.as_view(), name="pos-ticket-refund"),
    path("tickets/<int:ticket_id>/refund/preview/", refunds.RefundPreviewView.as_view(),
         name="pos-ticket-refund-preview"),
    path("closures/", views.ClosureListView.as_view(), name="pos-closures"),
    path("sessions/<int:session_id>/mobile-payments/", mobile.CreateMobilePaymentView.as_view(),
         name="pos-mobile-payments"),
    path("mobile-payments/<int:request_id>/", mobile.MobilePaymentDetailView.as_view(), name="pos-mobile-payment"),
    path("mobile-payments/<int:request_id>/qr.svg", mobile.MobilePaymentQrView.as_view(), name="pos-mobile-payment-qr"),
    path("mobile-payments/<int:request_id>/cancel/", mobile.CancelMobilePaymentView.as_view(),
         name="pos-mobile-payment-cancel"),
    path("store-credits/", mobile.StoreCreditView.as_view(), name="pos-store-credits"),
    path("chain/verify/", views.ChainCheckView.as_view(), name="pos-chain-verify"),
]
