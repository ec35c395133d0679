"""`/api/v1/staff/customers/`: the customers of the request's store, for its staff.
A POST creates one for someone at the counter (`accounts.services.quick_create_customer`).

The same selectors and services as the back office and the admin: a store's staff list and read the
customers who registered on it or ordered in it (anyone else's id is a 404), searched and filtered by
`accounts.selectors.search_customers` with the back office's parameters (`accounts.forms.CustomerFilterForm`);
what each role may change is `accounts.services.editable_fields` (a refusal is a 403 naming the fields).
Staff notes are the store's own: `/<id>/notes/` lists and adds them (salespeople and administrators add).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from ashopy.accounts import selectors, services
from ashopy.accounts.forms import CustomerFilterForm
from ashopy.accounts.models import CustomerNote, Partner, User
from ashopy.core.money import round_money
from ashopy.orders import selectors as orders
from ashopy.stores.models import STAFF_ROLES
from ashopy.stores.selectors import staff_role

from ..errors import error_responses
from ..fields import no_null_characters


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
    effective_segment = serializers.SerializerMethodField(
        help_text="The segment that prices the customer in this store: the verified one, else the declared one "
                  "when the store accepts a confirmed e-mail address as proof and it is confirmed. Empty: none.")
    pending_segment = serializers.SerializerMethodField(
        help_text="The declared segment still awaiting verification in this store (no discount yet); empty: none.")
    order_count = serializers.IntegerField(read_only=True, help_text="Orders in this store, any state.")
    lifetime_value = serializers.SerializerMethodField(
        help_text="Sum of the totals (tax and shipping included) of the customer's orders in this store that are "
                  "paid, being prepared, shipped or delivered, in the store's currency.")
    currency = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "phone", "segment", "declared_segment",
                  "effective_segment", "pending_segment", "segment_verified_at", "segment_verified_by", "partner",
                  "email_verified", "is_active", "date_joined", "last_login", "order_count", "lifetime_value",
                  "currency"]
        read_only_fields = ["id", "declared_segment", "segment_verified_at", "segment_verified_by", "date_joined",
                            "last_login"]

    def get_effective_segment(self, user) -> str:
        return selectors.effective_segment(store=self.context["request"].store, user=user)

    def get_pending_segment(self, user) -> str:
        return selectors.pending_segment(store=self.context["request"].store, user=user)

    def get_lifetime_value(self, user) -> str:
        currency = self.context["request"].store.currency
        return str(round_money(user.lifetime_value, currency))

    def get_currency(self, user) -> str:
        return self.context["request"].store.currency


class QuickCustomerInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="",
                                       validators=[no_null_characters])
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="",
                                      validators=[no_null_characters])
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="",
                                  validators=[no_null_characters], help_text="In the store's country format, "
                                                                             "or international (+221…).")


class QuickCustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name"]
        read_only_fields = fields


class EmailTakenSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    customer = QuickCustomerSerializer(allow_null=True, help_text="The existing customer of this store, if so.")


FILTER_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="Words each found in the name, e-mail, phone or a company "
                                                        "(saved addresses, billing addresses of orders here)."),
    OpenApiParameter("segment", OpenApiTypes.STR, description="A segment (the one that prices here), `none`, or "
                                                              "`pending` (declared, awaiting verification)."),
    OpenApiParameter("partner", OpenApiTypes.STR, description="A partner id of the store, or `none`."),
    OpenApiParameter("email_verified", OpenApiTypes.STR, enum=["yes", "no"]),
    OpenApiParameter("has_ordered", OpenApiTypes.STR, enum=["yes", "no"], description="Ordered in this store."),
]
CUSTOMER_ERRORS = error_responses(401, 403, 404)


def store_customers(request, *, filtered: bool):
    """The request's store's customers with their order figures; narrowed by the query's filters (400 when
    one is invalid) for a list."""
    filters = None
    if filtered:
        form = CustomerFilterForm(request.store, request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError({name: list(errors) for name, errors in form.errors.items()})
        filters = form.filters()
    return orders.with_order_figures(selectors.search_customers(store=request.store, filters=filters),
                                     store=request.store)


@extend_schema_view(
    list=extend_schema(summary="The store's customers", tags=["staff customers"], parameters=FILTER_PARAMETERS,
                       responses={200: StaffCustomerSerializer(many=True), **error_responses(400, 401, 403)},
                       description="Customers who registered on this store or ordered in it, newest first; the "
                                   "back office's search and filters."),
    retrieve=extend_schema(summary="One customer of the store", tags=["staff customers"],
                           responses={200: StaffCustomerSerializer, **CUSTOMER_ERRORS}),
    create=extend_schema(
        summary="Create a customer of the store (at the till)", tags=["staff customers"],
        request=QuickCustomerInputSerializer,
        responses={201: StaffCustomerSerializer, **error_responses(400, 401, 403),
                   409: OpenApiResponse(EmailTakenSerializer, description=(
                       "The e-mail address has an account already (email_taken): `customer` is that account "
                       "when it is a customer of this store, so that the till can pick it; else null."))},
        description="Salespeople, managers and administrators make an account for someone at the counter: a "
                    "customer of this store, without a usable password (they choose one through « forgot "
                    "password » to sign in)."),
    partial_update=extend_schema(
        summary="Change a customer of the store", tags=["staff customers"],
        responses={200: StaffCustomerSerializer, **error_responses(400, 401, 403, 404)},
        description="Salespeople change names and phone; e-mail, access, segment (the verified one, which "
                    "prices; setting it records who verified it and when), partner and e-mail verification are "
                    "the store administrator's. Stock managers only read. A refused field is a 403 naming it, and "
                    "nothing is saved."),
)
class StaffCustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                           viewsets.GenericViewSet):
    serializer_class = StaffCustomerSerializer
    permission_classes = [StoreStaff]
    queryset = User.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return store_customers(self.request, filtered=self.action == "list")

    def get_object(self):
        return _customer(self.request, self.kwargs["pk"])

    def create(self, request):
        serializer = QuickCustomerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            customer = services.quick_create_customer(actor=request.user, store=request.store,
                                                      **serializer.validated_data)
        except services.EmailTaken as error:
            found = error.customer
            return Response({"code": error.code, "detail": str(error), "fields": error.fields,
                             "customer": QuickCustomerSerializer(found).data if found else None},
                            status=error.status)
        return Response(StaffCustomerSerializer(_customer(request, customer.pk), context={"request": request}).data,
                        status=201)

    def perform_update(self, serializer):
        serializer.instance = services.update_account(actor=self.request.user, store=self.request.store,
                                                      user=serializer.instance, **serializer.validated_data)


def _customer(request, pk) -> User:
    if not selectors.is_valid_id(pk):
        raise Http404
    return get_object_or_404(store_customers(request, filtered=False), pk=pk)


class VerifySegmentView(APIView):
    permission_classes = [StoreStaff]

    @extend_schema(summary="Verify the segment a customer declared", tags=["staff customers"], request=None,
                   responses={200: StaffCustomerSerializer, **error_responses(400, 401, 403, 404)},
                   description="The declared segment becomes the one that prices the customer, recorded with who "
                               "verified it and when. The store administrator's; 400 when none was declared.")
    def post(self, request, pk):
        customer = services.verify_segment(actor=request.user, store=request.store, user=_customer(request, pk))
        return Response(StaffCustomerSerializer(customer, context={"request": request}).data)


class CustomerNoteSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField(help_text="Who wrote it (empty once their account is gone).")

    class Meta:
        model = CustomerNote
        fields = ["id", "text", "author", "author_name", "created_at"]
        read_only_fields = ["id", "author", "author_name", "created_at"]
        extra_kwargs = {"text": {"max_length": services.NOTE_LENGTH}}

    def get_author_name(self, note) -> str:
        author = note.author
        return (author.get_full_name() or author.email) if author is not None else ""


@extend_schema_view(
    get=extend_schema(summary="Staff notes on a customer", tags=["staff customers"],
                      responses={200: CustomerNoteSerializer(many=True), **CUSTOMER_ERRORS},
                      description="This store's notes, newest first; another store's are never shown."),
    post=extend_schema(summary="Add a staff note on a customer", tags=["staff customers"],
                       responses={201: CustomerNoteSerializer, **error_responses(400, 401, 403, 404)},
                       description="Salespeople and administrators; notes cannot be changed or deleted."),
)
class CustomerNotesView(generics.ListCreateAPIView):
    serializer_class = CustomerNoteSerializer
    permission_classes = [StoreStaff]
    queryset = CustomerNote.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CustomerNote.objects.none()
        return selectors.customer_notes(store=self.request.store, customer=_customer(self.request, self.kwargs["pk"]))

    def perform_create(self, serializer):
        customer = _customer(self.request, self.kwargs["pk"])
        serializer.instance = services.add_customer_note(actor=self.request.user, store=self.request.store,
                                                         customer=customer, text=serializer.validated_data["text"])


urlpatterns = [
    path("", StaffCustomerViewSet.as_view({"get": "list", "post": "create"}), name="staff-customer-list"),
    path("<int:pk>/", StaffCustomerViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
         name="staff-customer-detail"),
    path("<int:pk>/notes/", CustomerNotesView.as_view(), name="staff-customer-notes"),
    path("<int:pk>/verify-segment/", VerifySegmentView.as_view(), name="staff-customer-verify-segment"),
]
