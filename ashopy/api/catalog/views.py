"""Catalogue endpoints: public reads scoped to the request's store, writes for its catalogue staff.

Every read takes `request.store`; an object of another store is a 404. Writes go
through `catalog.services`, whose ValidationErrors become 400 with per-field messages.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from ashopy.catalog import services
from ashopy.catalog.filters import ORDERINGS, PAGE_SIZES, ProductFilters
from ashopy.catalog.models import Brand, Category, Product
from ashopy.catalog.selectors import filtered_products, product_cards, product_detail
from ashopy.catalog.tree import category_tree
from ashopy.pricing.purchase import policy_for_request

from ..errors import error_responses
from ..parsers import FormParser, JSONParser, MultiPartParser
from ..permissions import CatalogueStaffOrReadOnly, is_catalogue_staff
from .inputs import (
    BrandInputSerializer,
    CategoryInputSerializer,
    ProductCreateSerializer,
    ProductInputSerializer,
)
from .serializers import (
    BrandSerializer,
    CategoryNodeSerializer,
    CategorySerializer,
    ProductCardSerializer,
    ProductDetailSerializer,
)

WRITE_ERRORS = error_responses(400, 401, 403, 404)
READ_ERRORS = error_responses(404)
DELETE_ERRORS = error_responses(400, 401, 403, 404, 409)


class CatalogueViewSet(viewsets.GenericViewSet):
    """Public reads, staff writes; serializers get the request and its pricing policy."""

    permission_classes = [CatalogueStaffOrReadOnly]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["policy"] = policy_for_request(self.request)
        return context

    def output(self, serializer_class, instance, *, many=False, status_code=status.HTTP_200_OK):
        return Response(serializer_class(instance, many=many, context=self.get_serializer_context()).data,
                        status=status_code)

    def valid_input(self, serializer_class, *, partial=False, **context):
        serializer = serializer_class(data=self.request.data, partial=partial,
                                      context={**self.get_serializer_context(), **context})
        serializer.is_valid(raise_exception=True)
        return serializer


@extend_schema_view(
    list=extend_schema(summary="The store's category tree", responses=CategoryNodeSerializer(many=True),
                       description="Active categories, nested; an inactive category hides its branch."),
    retrieve=extend_schema(summary="One category", responses={200: CategorySerializer, **READ_ERRORS},
                           description="Staff also see inactive categories."),
    create=extend_schema(request=CategoryInputSerializer, responses={201: CategorySerializer, **WRITE_ERRORS}),
    update=extend_schema(request=CategoryInputSerializer, responses={200: CategorySerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(request=CategoryInputSerializer,
                                 responses={200: CategorySerializer, **WRITE_ERRORS}),
    destroy=extend_schema(responses={204: None, **DELETE_ERRORS},
                          description="Refused (400) while the category or a sub-category holds products."),
)
class CategoryViewSet(CatalogueViewSet):
    queryset = Category.objects.none()
    serializer_class = CategorySerializer
    lookup_value_regex = r"\d+"
    pagination_class = None
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_object(self):
        category = get_object_or_404(Category.objects.for_store(self.request.store), pk=self.kwargs["pk"])
        if not is_catalogue_staff(self.request) and category_tree(self.request.store).by_id.get(category.pk) is None:
            raise NotFound
        return category

    def list(self, request):
        return self.output(CategoryNodeSerializer, category_tree(request.store).roots, many=True)

    def retrieve(self, request, pk=None):
        return self.output(CategorySerializer, self.get_object())

    def create(self, request):
        data = self.valid_input(CategoryInputSerializer).validated_data
        category = services.create_category(user=request.user, store=request.store, **data)
        return self.output(CategorySerializer, category, status_code=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        category = self.get_object()
        data = dict(self.valid_input(CategoryInputSerializer, partial=partial).validated_data)
        if "parent" in data:
            category = services.update_category(user=request.user, category=category, parent=data.pop("parent"), **data)
        else:
            category = services.update_category(user=request.user, category=category, **data)
        return self.output(CategorySerializer, category)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        services.delete_category(user=request.user, category=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="The store's brands"),
    retrieve=extend_schema(responses={200: BrandSerializer, **READ_ERRORS}),
    create=extend_schema(request=BrandInputSerializer, responses={201: BrandSerializer, **WRITE_ERRORS}),
    update=extend_schema(request=BrandInputSerializer, responses={200: BrandSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(request=BrandInputSerializer, responses={200: BrandSerializer, **WRITE_ERRORS}),
    destroy=extend_schema(responses={204: None, **DELETE_ERRORS},
                          description="The brand's products stay, without a brand."),
)
class BrandViewSet(CatalogueViewSet):
    queryset = Brand.objects.none()
    serializer_class = BrandSerializer
    lookup_field = "slug"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return Brand.objects.for_store(self.request.store).order_by("name", "id")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(BrandSerializer(page, many=True, context=self.get_serializer_context()).data)

    def retrieve(self, request, slug=None):
        return self.output(BrandSerializer, self.get_object())

    def create(self, request):
        data = self.valid_input(BrandInputSerializer).validated_data
        brand = services.save_brand(user=request.user, store=request.store, **data)
        return self.output(BrandSerializer, brand, status_code=status.HTTP_201_CREATED)

    def update(self, request, slug=None, partial=False):
        brand = self.get_object()
        data = self.valid_input(BrandInputSerializer, partial=partial).validated_data
        brand = services.save_brand(user=request.user, store=request.store, brand=brand, **data)
        return self.output(BrandSerializer, brand)

    def partial_update(self, request, slug=None):
        return self.update(request, slug, partial=True)

    def destroy(self, request, slug=None):
        services.delete_brand(user=request.user, brand=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


LISTING_PARAMETERS = [
    OpenApiParameter("q", str, description="Full-text search (accents and small typos forgiven)."),
    OpenApiParameter("category", str, description="A category slug: products of it and its sub-categories."),
    OpenApiParameter("brand", str, many=True, explode=True, description="Brand slugs (repeat for several)."),
    OpenApiParameter("price_min", OpenApiTypes.DECIMAL, description="Lowest “from” price, on the store's basis."),
    OpenApiParameter("price_max", OpenApiTypes.DECIMAL, description="Highest “from” price."),
    OpenApiParameter("in_stock", bool, description="Only products with a variant that can be sold now."),
    OpenApiParameter("ordering", str, enum=[*ORDERINGS, "relevance"],
                     description="Sort order; relevance (the default with `q`) needs a search. Default: newest."),
    OpenApiParameter("page_size", int, description=f"Products per page, 1 to {max(PAGE_SIZES)} (default 24)."),
]
SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The product's slug in this store.")


def product_for(request, slug: str) -> Product:
    """The store's product with this slug as its own kind; drafts only for catalogue staff."""
    product = product_detail(store=request.store, slug=slug, include_drafts=is_catalogue_staff(request))
    if product is None:
        raise NotFound
    return product


@extend_schema_view(
    list=extend_schema(
        summary="Products, filtered, searched, sorted and paginated like the storefront",
        parameters=LISTING_PARAMETERS,
        description="Also `attr_<attribute slug>=<value>` (repeatable) filters on a specification. "
                    "Bad values answer 400 with one message per parameter. Catalogue staff also see drafts.",
        responses={200: ProductCardSerializer(many=True), **error_responses(400, 404)}),
    retrieve=extend_schema(summary="A product page", parameters=[SLUG],
                           responses={200: ProductDetailSerializer, **READ_ERRORS}),
    create=extend_schema(request=ProductCreateSerializer,
                         responses={201: ProductDetailSerializer, **WRITE_ERRORS}),
    update=extend_schema(parameters=[SLUG], request=ProductInputSerializer,
                         responses={200: ProductDetailSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(parameters=[SLUG], request=ProductInputSerializer,
                                 responses={200: ProductDetailSerializer, **WRITE_ERRORS}),
    destroy=extend_schema(parameters=[SLUG], responses={204: None, **DELETE_ERRORS}),
)
class ProductViewSet(CatalogueViewSet):
    queryset = Product.objects.none()
    serializer_class = ProductCardSerializer
    lookup_field = "slug"

    def list(self, request):
        filters, _errors = ProductFilters.parse(request.query_params, strict=True)
        products = filtered_products(store=request.store, filters=filters, tree=category_tree(request.store),
                                     include_drafts=is_catalogue_staff(request))
        page = self.paginate_queryset(product_cards(products, sort=filters.sort))
        return self.get_paginated_response(
            ProductCardSerializer(page, many=True, context=self.get_serializer_context()).data)

    def retrieve(self, request, slug=None):
        return self.output(ProductDetailSerializer, product_for(request, slug))

    def create(self, request):
        fields = self.valid_input(ProductCreateSerializer).service_fields()
        product = services.create_product(user=request.user, store=request.store, **fields)
        return self.output(ProductDetailSerializer, product_for(request, product.slug),
                           status_code=status.HTTP_201_CREATED)

    def update(self, request, slug=None, partial=False):
        product = product_for(request, slug)
        data = self.valid_input(ProductInputSerializer, partial=partial, product=product).validated_data
        product = services.update_product(user=request.user, product=product, **data)
        return self.output(ProductDetailSerializer, product_for(request, product.slug))

    def partial_update(self, request, slug=None):
        return self.update(request, slug, partial=True)

    def destroy(self, request, slug=None):
        services.delete_product(user=request.user, product=product_for(request, slug))
        return Response(status=status.HTTP_204_NO_CONTENT)
