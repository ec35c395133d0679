"""JWT authentication whose user read skips the ORM's query compiler.

Every request of a signed-in API client reads its user; with `objects.get` that read cost about
0.8 ms of the server's CPU per request (bench/checkout.py), most of it building the query. The
checks are simplejwt's: the user-id claim, the user exists and is active, and (when the setting is
on, as it is) the token was issued for the current password. The token refresh endpoint makes the same
checks on refresh tokens (`token_user`).
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from ashopy.core.rows import Columns, fetch


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


@cache
def _lookup(field_name: str) -> tuple[Columns, str, object]:
    model = get_user_model()
    columns, field = Columns(model, "account"), model._meta.get_field(field_name)
    sql = f'SELECT {columns.sql} FROM {model._meta.db_table} account WHERE account."{field.column}" = %s'  # noqa: S608
    return columns, sql, field


def _user(field_name: str, value):
    columns, sql, field = _lookup(field_name)
    try:
        value = field.get_prep_value(value)
    except (TypeError, ValueError):
        return None
    rows = fetch(sql, [value])
    return columns.instance(rows[0]) if rows else None
