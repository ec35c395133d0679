"""Back-office import and export of the catalogue and the stock levels, under /staff/catalog/io/."""

from django.urls import path

from . import views

app_name = "staff_catalog_io"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/<slug:kind>/<slug:file_format>/", views.export, name="export"),
    path("import/", views.preview, name="preview"),
    path("import/confirm/", views.confirm, name="confirm"),
]
