"""Back-office quote pages, mounted at /staff/quotes/."""

from django.urls import path

from . import edit_views, views

app_name = "staff_quotes"
urlpatterns = [
    path("", views.quote_list, name="quote_list"),
    path("new/", edit_views.quote_create, name="quote_create"),
    path("<int:pk>/", views.quote_detail, name="quote_detail"),
    path("<int:pk>/pdf/", views.quote_pdf, name="quote_pdf"),
    path("<int:pk>/details/", edit_views.update_details, name="update_details"),
    path("<int:pk>/lines/catalogue/", edit_views.add_catalogue_line, name="add_catalogue_line"),
    path("<int:pk>/lines/free/", edit_views.add_free_line, name="add_free_line"),
    path("<int:pk>/lines/<int:line_pk>/", edit_views.update_line, name="update_line"),
    path("<int:pk>/lines/<int:line_pk>/remove/", edit_views.remove_line, name="remove_line"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/duplicate/", views.duplicate, name="duplicate"),
    path("<int:pk>/payment/", views.record_deposit, name="record_deposit"),
]
