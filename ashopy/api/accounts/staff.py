"""`/api/v1/staff/customers/`: the customers of the request's store, for its staff.

The same selectors and services as the admin: a store's staff list and read the
customers who registered on it or ordered in it (anyone else's id is a 404);
what each role may change is `accounts.services.editable_fields` (a refusal is
a 403 naming the fields).
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import BasePermission

from ashopy.accounts import selectors, services
from ashopy.accounts.models import Partner, User
from ashopy.stores.models import STAFF_ROLES
from ashopy.stores.selectors import staff_role

from ..errors import error_responses


class StoreStaff(BasePermission):
    """Salespeople, stock managers and administrators of the request's store."""

    message = _("Only this store's staff may see and change its customers.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated
                    and staff_role(request.user, request.store) in STAFF_ROLES)


class StorePartnerField(serializers.PrimaryKeyRelatedField):
    """A partner of the request's store, by id (null: none)."""

    def get_queryset(self):
        return Partner.objects.filter(store=self.context["request"].store)


class StaffCustomerSerializer(serializers.ModelSerializer):
    partner = StorePartnerField(allow_null=True, required=False,
                                help_text="Id of one of the store's partners; null for none.")

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "phone", "segment", "declared_segment", "partner",
                  "email_verified", "is_active", "date_joined", "last_login"]
        read_only_fields = ["id", "declared_segment", "date_joined", "last_login"]


CUSTOMER_ERRORS = error_responses(401, 403, 404)


@extend_schema_view(
    list=extend_schema(summary="The store's customers", tags=["staff customers"],
                       responses={200: StaffCustomerSerializer(many=True), **error_responses(401, 403)},
                       description="Customers who registered on this store or ordered in it."),
    retrieve=extend_schema(summary="One customer of the store", tags=["staff customers"],
                           responses={200: StaffCustomerSerializer, **CUSTOMER_ERRORS}),
    partial_update=extend_schema(
        summary="Change a customer of the store", tags=["staff customers"],
        responses={200: StaffCustomerSerializer, **error_responses(400, 401, 403, 404)},
        description="Salespeople change names and phone; e-mail, access, segment (the verified one, which "
                    "prices), partner and e-mail verification are the store administrator's. Stock managers "
                    "only read. A refused field is a 403 naming it, and nothing is saved."),
)
class StaffCustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                           viewsets.GenericViewSet):
    serializer_class = StaffCustomerSerializer
    permission_classes = [StoreStaff]
    queryset = User.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return selectors.customers_of(store=self.request.store).order_by("email")

    def perform_update(self, serializer):
        serializer.instance = services.update_account(actor=self.request.user, store=self.request.store,
                                                      user=serializer.instance, **serializer.validated_data)


urlpatterns = [
    path("", StaffCustomerViewSet.as_view({"get": "list"}), name="staff-customer-list"),
    path("<int:pk>/", StaffCustomerViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
         name="staff-customer-detail"),
]
