"""The accountant's exports, under /staff/accounting/."""

from django.urls import path

from . import views

app_name = "staff_accounting"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/<slug:document>/<slug:file_format>/", views.export, name="export"),
]
