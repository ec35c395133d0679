"""JWT authentication with one user lookup shared by access and refresh tokens.

The checks are simplejwt's: the user-id claim, the user exists and is active, and (when the setting is
on, as it is) the token was issued for the current password. The token refresh endpoint makes the same
checks on refresh tokens (`token_user`).
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password


class JWTAuthentication(authentication.JWTAuthentication):
    def get_user(self, validated_token):
        return token_user(validated_token)


def token_user(validated_token):
    """The user a decoded token (access or refresh) speaks for, or AuthenticationFailed (a 401).

    Refused: a user that no longer exists or is inactive, and a token issued before the password last
    changed or without the password claim at all (a token minted before the claim was required).
    """
    if api_settings.USER_ID_CLAIM not in validated_token:
        raise InvalidToken(_("Token contained no recognizable user identification"))
    user = _user(api_settings.USER_ID_FIELD, validated_token[api_settings.USER_ID_CLAIM])
    if user is None:
        raise AuthenticationFailed(_("User not found"), code="user_not_found")
    if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
        raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
    if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
        raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
    return user


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme of this class: simplejwt's bearer token ("jwtAuth")."""

    target_class = "ashopy.api.authentication.JWTAuthentication"


def _user(field_name: str, value):
    """The user whose `field_name` is `value`, or None (also for a value of the wrong type)."""
    model = get_user_model()
    try:
        value = model._meta.get_field(field_name).get_prep_value(value)
    except (TypeError, ValueError):
        return None
    return model._default_manager.filter(**{field_name: value}).first()
