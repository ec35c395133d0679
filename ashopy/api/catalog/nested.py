"""A product's variants and images, nested under `/products/<slug>/`.

The product is looked up first (drafts only for catalogue staff), so another
store's product, or a variant or image of another product, is a 404.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from ashopy.catalog import services
from ashopy.catalog.availability import with_stock
from ashopy.catalog.models import ProductImage, Variant

from ..parsers import FormParser, MultiPartParser
from ..permissions import is_catalogue_staff
from .inputs import ImageInputSerializer, VariantInputSerializer, variant_service_fields
from .serializers import ImageSerializer, VariantSerializer
from .views import DELETE_ERRORS, READ_ERRORS, WRITE_ERRORS, CatalogueViewSet, product_for

PRODUCT = OpenApiParameter("product_slug", str, OpenApiParameter.PATH, description="The product's slug.")
VARIANT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The variant's id.")
IMAGE_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The image's id.")


class ProductChildViewSet(CatalogueViewSet):
    pagination_class = None
    lookup_value_regex = r"\d+"

    @property
    def product(self):
        if not hasattr(self, "_product"):
            self._product = product_for(self.request, self.kwargs["product_slug"])
        return self._product


@extend_schema_view(
    list=extend_schema(parameters=[PRODUCT], responses={200: VariantSerializer(many=True), **READ_ERRORS},
                       description="Active variants; catalogue staff also see inactive ones."),
    retrieve=extend_schema(parameters=[PRODUCT, VARIANT_ID], responses={200: VariantSerializer, **READ_ERRORS}),
    create=extend_schema(parameters=[PRODUCT], request=VariantInputSerializer,
                         responses={201: VariantSerializer, **WRITE_ERRORS}),
    update=extend_schema(parameters=[PRODUCT, VARIANT_ID], request=VariantInputSerializer,
                         responses={200: VariantSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(parameters=[PRODUCT, VARIANT_ID], request=VariantInputSerializer,
                                 responses={200: VariantSerializer, **WRITE_ERRORS}),
    destroy=extend_schema(parameters=[PRODUCT, VARIANT_ID], responses={204: None, **DELETE_ERRORS},
                          description="Refused (400) for a product's last variant."),
)
class VariantViewSet(ProductChildViewSet):
    queryset = Variant.objects.none()
    serializer_class = VariantSerializer

    def get_queryset(self):
        variants = Variant.objects.for_store(self.request.store).filter(product=self.product)
        if not is_catalogue_staff(self.request):
            variants = variants.filter(active=True)
        return with_stock(variants.order_by("position", "id"))

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def list(self, request, product_slug=None):
        return self.output(VariantSerializer, self.get_queryset(), many=True)

    def retrieve(self, request, product_slug=None, pk=None):
        return self.output(VariantSerializer, self.get_object())

    def create(self, request, product_slug=None):
        fields = variant_service_fields(self.valid_input(VariantInputSerializer).validated_data)
        variant = services.save_variant(user=self.request.user, store=request.store, product=self.product, **fields)
        return self.output(VariantSerializer, self._with_stock(variant), status_code=status.HTTP_201_CREATED)

    def update(self, request, product_slug=None, pk=None, partial=False):
        variant = self.get_object()
        fields = variant_service_fields(self.valid_input(VariantInputSerializer, partial=partial).validated_data)
        variant = services.save_variant(user=self.request.user, store=request.store, product=self.product,
                                        variant=variant, **fields)
        return self.output(VariantSerializer, self._with_stock(variant))

    def _with_stock(self, variant):
        """The saved variant as the serializer shows it, with its available units."""
        return with_stock(Variant.objects.filter(pk=variant.pk)).get()

    def partial_update(self, request, product_slug=None, pk=None):
        return self.update(request, product_slug, pk, partial=True)

    def destroy(self, request, product_slug=None, pk=None):
        services.delete_variant(user=self.request.user, variant=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(parameters=[PRODUCT], responses={200: ImageSerializer(many=True), **READ_ERRORS}),
    retrieve=extend_schema(parameters=[PRODUCT, IMAGE_ID], responses={200: ImageSerializer, **READ_ERRORS}),
    create=extend_schema(parameters=[PRODUCT], request={"multipart/form-data": ImageInputSerializer},
                         responses={201: ImageSerializer, **WRITE_ERRORS},
                         description="Multipart upload. Files that are not images, or too large, answer 400."),
    destroy=extend_schema(parameters=[PRODUCT, IMAGE_ID], responses={204: None, **DELETE_ERRORS}),
)
class ImageViewSet(ProductChildViewSet):
    queryset = ProductImage.objects.none()
    serializer_class = ImageSerializer
    parser_classes = [MultiPartParser, FormParser]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        return ProductImage.objects.filter(product=self.product).order_by("position", "id")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def list(self, request, product_slug=None):
        return self.output(ImageSerializer, self.get_queryset(), many=True)

    def retrieve(self, request, product_slug=None, pk=None):
        return self.output(ImageSerializer, self.get_object())

    def create(self, request, product_slug=None):
        data = self.valid_input(ImageInputSerializer).validated_data
        picture = services.add_image(user=self.request.user, product=self.product, **data)
        return self.output(ImageSerializer, picture, status_code=status.HTTP_201_CREATED)

    def destroy(self, request, product_slug=None, pk=None):
        services.delete_image(user=self.request.user, image=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
