"""Accounts under /api/v1/: sign-up, tokens, the caller's profile, and the store's customers for its staff."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="register"),
    path("auth/token/", views.TokenObtainView.as_view(), name="token"),
    path("auth/token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.MeView.as_view(), name="me"),
    path("staff/customers/", include("ashopy.api.accounts.staff")),
]
