from django.urls import path

from . import views

app_name = "cart"
urlpatterns = [
    path("", views.detail, name="detail"),
    path("add/", views.add, name="add"),
    path("lines/<int:line_id>/", views.update, name="update"),
    path("lines/<int:line_id>/remove/", views.remove, name="remove"),
    path("code/", views.apply_code, name="apply_code"),
    path("code/remove/", views.remove_code, name="remove_code"),
]
