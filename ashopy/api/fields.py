"""Serializer fields and checks every domain of the API uses."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty


class StoreRelatedField(serializers.PrimaryKeyRelatedField):
    """An id among the request store's own rows: another store's id reads as "does not exist"."""

    def get_queryset(self):
        return super().get_queryset().filter(store=self.context["request"].store)


class OptionalBooleanField(serializers.BooleanField):
    """A boolean that, left out of a multipart form, stays unset instead of becoming False."""

    default_empty_html = empty


def no_null_characters(value) -> None:
    """PostgreSQL refuses NUL in text and JSON: refuse it here as bad input rather than fail there."""
    if isinstance(value, dict):
        for key, item in value.items():
            no_null_characters(key)
            no_null_characters(item)
    elif isinstance(value, list):
        for item in value:
            no_null_characters(item)
    elif isinstance(value, str) and "\x00" in value:
        raise serializers.ValidationError(_("Null characters are not allowed."))
