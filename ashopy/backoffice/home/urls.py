"""The staff home, mounted at /staff/."""

from django.urls import path

from . import views

app_name = "staff_home"
urlpatterns = [
    path("", views.home, name="home"),
]
