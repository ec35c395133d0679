from django.urls import path

from . import views

app_name = "checkout"
urlpatterns = [
    path("", views.start, name="start"),
    path("address/", views.address, name="address"),
    path("shipping/", views.shipping, name="shipping"),
    path("payment/", views.payment, name="payment"),
    path("review/", views.review, name="review"),
    path("place/", views.place, name="place"),
    path("pay/<uuid:token>/", views.pay, name="pay"),
    path("done/<uuid:token>/", views.done, name="done"),
    path("cancelled/<uuid:token>/", views.cancelled, name="cancelled"),
]
