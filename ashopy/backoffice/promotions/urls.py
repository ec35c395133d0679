"""Back-office promotion and promo code pages, mounted at /staff/promotions/."""

from django.urls import path

from . import code_views, views

app_name = "staff_promotions"
urlpatterns = [
    path("", views.promotion_list, name="promotion_list"),
    path("new/", views.promotion_create, name="promotion_create"),
    path("<int:pk>/", views.promotion_edit, name="promotion_edit"),
    path("<int:pk>/deactivate/", views.promotion_activate, {"active": False}, name="promotion_deactivate"),
    path("<int:pk>/reactivate/", views.promotion_activate, {"active": True}, name="promotion_reactivate"),
    path("codes/", code_views.code_list, name="code_list"),
    path("codes/new/", code_views.code_create, name="code_create"),
    path("codes/batch/", code_views.code_batch, name="code_batch"),
    path("codes/batch.csv", code_views.batch_csv, name="batch_csv"),
    path("codes/<int:pk>/", code_views.code_edit, name="code_edit"),
    path("codes/<int:pk>/usage/", code_views.code_usage, name="code_usage"),
    path("codes/<int:pk>/deactivate/", code_views.code_activate, {"active": False}, name="code_deactivate"),
    path("codes/<int:pk>/reactivate/", code_views.code_activate, {"active": True}, name="code_reactivate"),
]
