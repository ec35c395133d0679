"""The API client the API tests share."""

from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


def client_for(user=None, host="testserver", token=None) -> APIClient:
    """An API client on `host` (store A's "testserver" or store B's "b.test"), in English so that messages
    can be asserted whatever the store's language; signed in as `user` (a JWT), with a visitor's cart `token`."""
    client = APIClient(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    if token is not None:
        client.defaults["HTTP_CART_TOKEN"] = str(token)
    return client
