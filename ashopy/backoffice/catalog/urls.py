"""Back-office catalogue pages, mounted at /staff/catalog/."""

from django.urls import path

from . import product_views, taxonomy_views, views

app_name = "staff_catalog"
urlpatterns = [
    path("products/", views.product_list, name="product_list"),
    path("products/bulk/", views.bulk_action, name="bulk_action"),
    path("products/new/", product_views.product_create, name="product_create"),
    path("products/<int:pk>/", product_views.product_detail, name="product_detail"),
    path("products/<int:pk>/variants/", product_views.save_variants, name="save_variants"),
    path("products/<int:pk>/images/", product_views.save_images, name="save_images"),
    path("products/<int:pk>/images/upload/", product_views.upload_image, name="upload_image"),
    path("categories/", taxonomy_views.category_list, name="category_list"),
    path("categories/new/", taxonomy_views.category_create, name="category_create"),
    path("categories/<int:pk>/", taxonomy_views.category_edit, name="category_edit"),
    path("categories/<int:pk>/delete/", taxonomy_views.category_delete, name="category_delete"),
    path("brands/", taxonomy_views.brand_list, name="brand_list"),
    path("brands/new/", taxonomy_views.brand_create, name="brand_create"),
    path("brands/<int:pk>/", taxonomy_views.brand_edit, name="brand_edit"),
    path("brands/<int:pk>/delete/", taxonomy_views.brand_delete, name="brand_delete"),
    path("types/", taxonomy_views.product_type_list, name="product_type_list"),
    path("types/new/", taxonomy_views.product_type_create, name="product_type_create"),
    path("types/<int:pk>/", taxonomy_views.product_type_edit, name="product_type_edit"),
]
