from django.urls import path

from . import account_views

app_name = "orders"
urlpatterns = [
    path("", account_views.order_list, name="list"),
    path("<str:number>/", account_views.order_detail, name="detail"),
    path("<str:number>/cancel/", account_views.cancel, name="cancel"),
    path("<str:number>/reorder/", account_views.reorder, name="reorder"),
]
