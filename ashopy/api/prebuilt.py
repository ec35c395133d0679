"""Serializers that build their fields once per class instead of once per use.

A ModelSerializer works out its fields from the model (types, lengths, validators, help texts)
every time one is created: for the checkout's input and answer that was about 2 ms of the
request (bench/checkout.py). The fields of these serializers depend only on their class, so
they are built the first time; each use then gets fresh instances made from the prototypes'
arguments, as DRF's own copy does for declared fields, without deep-copying the arguments
(help texts, lengths, choices: DRF never changes them).
"""


class PrebuiltFields:
    """Mix into a serializer whose fields never depend on the instance, its context or the request."""

    def get_fields(self):
        cls = type(self)
        prototype = cls.__dict__.get("_prebuilt_fields")
        if prototype is None:
            prototype = super().get_fields()
            cls._prebuilt_fields = prototype
        return {name: field.__class__(*field._args, **field._kwargs) for name, field in prototype.items()}
