"""Payment providers' webhooks under /api/v1/payments/."""

from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/<str:provider>/", views.PaymentWebhookView.as_view(), name="payment-webhook"),
]
