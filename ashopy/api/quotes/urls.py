"""Quotes under /api/v1/: the store's for its staff, and one quote by its customer's link."""

from django.urls import path

from . import views

urlpatterns = [
    path("staff/quotes/", views.StaffQuoteListView.as_view(), name="staff-quote-list"),
    path("staff/quotes/<int:quote_id>/", views.StaffQuoteDetailView.as_view(), name="staff-quote-detail"),
    path("staff/quotes/<int:quote_id>/lines/", views.StaffQuoteLinesView.as_view(), name="staff-quote-lines"),
    path("staff/quotes/<int:quote_id>/lines/<int:line_id>/", views.StaffQuoteLineView.as_view(),
         name="staff-quote-line"),
    path("staff/quotes/<int:quote_id>/send/", views.StaffQuoteSendView.as_view(), name="staff-quote-send"),
    path("staff/quotes/<int:quote_id>/withdraw/", views.StaffQuoteWithdrawView.as_view(),
         name="staff-quote-withdraw"),
    path("staff/quotes/<int:quote_id>/duplicate/", views.StaffQuoteDuplicateView.as_view(),
         name="staff-quote-duplicate"),
    path("staff/quotes/<int:quote_id>/pdf/", views.StaffQuotePdfView.as_view(), name="staff-quote-pdf"),
    path("quotes/<str:token>/", views.PublicQuoteDetailView.as_view(), name="quote-detail"),
    path("quotes/<str:token>/accept/", views.PublicQuoteAcceptView.as_view(), name="quote-accept"),
    path("quotes/<str:token>/refuse/", views.PublicQuoteRefuseView.as_view(), name="quote-refuse"),
]
