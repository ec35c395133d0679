"""The till page for cashiers, mounted at /staff/till/: the store's tills, one till's selling page, the
catalogue it caches for offline sales, and the service worker that keeps the page's shell."""

from django.urls import path

from . import views

app_name = "staff_till"
urlpatterns = [
    path("", views.till_list, name="till_list"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("<int:till_id>/", views.till_page, name="till_page"),
    path("<int:till_id>/catalogue.json", views.catalogue, name="catalogue"),
]
