"""Promotions and promo codes for the store's staff, under /api/v1/staff/."""

from django.urls import path

from . import views

urlpatterns = [
    path("staff/promotions/", views.PromotionListView.as_view(), name="staff-promotion-list"),
    path("staff/promotions/<int:promotion_id>/", views.PromotionDetailView.as_view(), name="staff-promotion-detail"),
    path("staff/promo-codes/", views.PromoCodeListView.as_view(), name="staff-promo-code-list"),
    path("staff/promo-codes/batch/", views.PromoCodeBatchView.as_view(), name="staff-promo-code-batch"),
    path("staff/promo-codes/<int:code_id>/", views.PromoCodeDetailView.as_view(), name="staff-promo-code-detail"),
    path("staff/promo-codes/<int:code_id>/usage/", views.PromoCodeUsageView.as_view(),
         name="staff-promo-code-usage"),
]
