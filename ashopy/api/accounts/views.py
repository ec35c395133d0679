"""Sign-up, JWT tokens, the caller's profile and address book.

Registration and token endpoints are throttled per client (scope ``anon-auth``):
they are where passwords get guessed and mailboxes flooded. Sign-ups are also limited per client
and per e-mail over longer windows, in one count with the web pages (`ashopy.accounts.limits`).
"""

import logging

from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer

from ashopy.accounts import limits, services
from ashopy.accounts.models import Address, User

from ..authentication import token_user
from ..errors import error_responses

logger = logging.getLogger(__name__)
AUTH_THROTTLE_SCOPE = "anon-auth"


class AuthThrottled:
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = AUTH_THROTTLE_SCOPE


class UserSerializer(serializers.ModelSerializer):
    """The caller's account. Only names and phone can be changed here."""

    partner = serializers.CharField(source="partner.name", default=None, allow_null=True, read_only=True,
                                    help_text="The partner company's name; null without one.")

    class Meta:
        model = User
        fields = ["id", "email", "first_name", "last_name", "phone", "role", "segment", "partner",
                  "email_verified", "date_joined"]
        read_only_fields = ["id", "email", "role", "segment", "partner", "email_verified", "date_joined"]


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, max_length=128, style={"input_type": "password"},
                                     trim_whitespace=False)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True,
                                  help_text="International (+221…) or national in the store's country.")


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class RegisterView(AuthThrottled, APIView):
    """Create a customer account and mail the e-mail confirmation link."""

    authentication_classes = []
    permission_classes = []

    @extend_schema(request=RegisterSerializer, responses={201: UserSerializer, **error_responses(400, 429)},
                   summary="Create a customer account")
    def post(self, request):
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        limits.check(limits.REGISTRATION, request=request, email=serializer.validated_data["email"])
        user = services.register_user(**serializer.validated_data, store=request.store)
        self._send_verification(request, user)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    def _send_verification(self, request, user) -> None:
        """A mail server failure must not lose the account: it is logged, and the link can be asked again."""
        token = services.email_verification_token(user)
        verify_url = request.build_absolute_uri(reverse("accounts:verify_email", args=[token]))
        try:
            services.send_verification_email(user=user, verify_url=verify_url, store=request.store)
        except OSError:
            logger.exception("Could not send the verification e-mail to user %s", user.pk)


@extend_schema_view(post=extend_schema(summary="Obtain an access and a refresh token with e-mail and password",
                                       responses={200: TokenObtainPairSerializer,
                                                  **error_responses(400, 401, 429)}))
class TokenObtainView(AuthThrottled, jwt_views.TokenObtainPairView):
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            # django-axes marks the request it was handed (DRF's) when the e-mail is locked out.
            if getattr(request, "axes_locked_out", False):
                return Response({"code": "locked_out", "fields": {},
                                 "detail": _("Too many failed attempts: try again in 15 minutes.")},
                                status=status.HTTP_429_TOO_MANY_REQUESTS)
            raise


@extend_schema_serializer(component_name="TokenRefresh")
class RefreshSerializer(TokenRefreshSerializer):
    """simplejwt's refresh, after the checks every API request makes (`token_user`).

    The library's own check let a deleted user's token fail with a 500 and never compared the
    password claim: a refresh token issued before a password change kept minting access tokens.
    """

    def validate(self, attrs):
        token_user(self.token_class(attrs["refresh"]))
        try:
            return super().validate(attrs)
        except User.DoesNotExist as error:  # deleted between the two reads
            raise AuthenticationFailed(_("User not found"), code="user_not_found") from error


@extend_schema_view(post=extend_schema(summary="Trade a refresh token for a new pair (the old one is blacklisted)",
                                       responses={200: RefreshSerializer,
                                                  **error_responses(400, 401, 429)}))
class TokenRefreshView(AuthThrottled, jwt_views.TokenRefreshView):
    serializer_class = RefreshSerializer


class LogoutView(jwt_views.TokenBlacklistView):
    """Blacklist the refresh token: it can no longer be refreshed (access tokens lapse on their own)."""

    @extend_schema(summary="Log out: blacklist a refresh token",
                   responses={204: OpenApiResponse(description="Logged out."), **error_responses(400, 401)})
    def post(self, request, *args, **kwargs):
        super().post(request, *args, **kwargs)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProfileSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: UserSerializer, **error_responses(401)}, summary="The caller's account")
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(request=ProfileSerializer, responses={200: UserSerializer, **error_responses(400, 401)},
                   summary="Change the caller's names or phone",
                   description="E-mail, role, segment, partner and verification cannot be changed here.")
    def patch(self, request):
        serializer = ProfileSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        user = request.user
        current = {"first_name": user.first_name, "last_name": user.last_name, "phone": str(user.phone or "")}
        user = services.update_profile(user=user, **{**current, **serializer.validated_data})
        return Response(UserSerializer(user).data)


class AddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = ["id", "label", "first_name", "last_name", "company", "line1", "line2", "postal_code", "city",
                  "country", "phone", "is_default_shipping", "is_default_billing"]
        read_only_fields = ["id"]


ADDRESS_ID_ERRORS = error_responses(400, 401, 404)


@extend_schema_view(
    list=extend_schema(summary="The caller's addresses", responses={200: AddressSerializer(many=True),
                                                                    **error_responses(401)}),
    retrieve=extend_schema(responses={200: AddressSerializer, **error_responses(401, 404)}),
    create=extend_schema(responses={201: AddressSerializer, **error_responses(400, 401)},
                         description="The first address becomes the default; a new default replaces the old one."),
    update=extend_schema(responses={200: AddressSerializer, **ADDRESS_ID_ERRORS}),
    partial_update=extend_schema(responses={200: AddressSerializer, **ADDRESS_ID_ERRORS}),
    destroy=extend_schema(responses={204: None, **error_responses(401, 404)},
                          description="A deleted default passes to the oldest remaining address."),
)
class AddressViewSet(viewsets.ModelViewSet):
    """The caller's own addresses; anyone else's id is a 404."""

    serializer_class = AddressSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    queryset = Address.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Address.objects.none()
        return Address.objects.filter(user=self.request.user).order_by("-is_default_shipping", "id")

    def perform_create(self, serializer):
        serializer.instance = services.save_address(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.save_address(user=self.request.user, address=serializer.instance,
                                                    **serializer.validated_data)

    def perform_destroy(self, instance):
        services.delete_address(user=self.request.user, address=instance)
