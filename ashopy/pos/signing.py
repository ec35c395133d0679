"""The stores' Ed25519 keys: sign a chain record's hash, verify a signature.

Keys come from settings (`POS_SIGNING_KEYS`, JSON by store slug or "*": a base64 32-byte private
seed or a PEM private key), never from the database, so whoever can write the tables cannot forge
a signature. With DEBUG on and no key configured, a demo key is derived from SECRET_KEY and the
store's slug (stable across restarts, so the demo's chain still verifies); with DEBUG off, signing
refuses to start without a key (ImproperlyConfigured, naming the setting).
"""

import base64
import binascii
import hashlib
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SETTING = "POS_SIGNING_KEYS"


def _configured(slug: str) -> str | None:
    keys = getattr(settings, SETTING, None) or {}
    if not isinstance(keys, dict):
        raise ImproperlyConfigured(f"{SETTING} must be a JSON object by store slug (or \"*\").")
    return keys.get(slug) or keys.get("*")


@lru_cache(maxsize=32)
def _load(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as error:
        raise ImproperlyConfigured(f"{SETTING}: a key is neither a base64 32-byte seed nor a PEM key.") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{SETTING}: keys must be Ed25519 keys.")
    return key


@lru_cache(maxsize=32)
def _demo_key(secret: str, slug: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(f"ashopy-pos-demo:{secret}:{slug}".encode()).digest())


def private_key(store) -> Ed25519PrivateKey:
    """The store's signing key; refuses clearly when none is configured outside DEBUG."""
    text = _configured(store.slug)
    if text:
        return _load(text)
    if settings.DEBUG:
        return _demo_key(settings.SECRET_KEY, store.slug)
    raise ImproperlyConfigured(
        f"No till signing key for store “{store.slug}”: set {SETTING} (e.g. {{\"*\": \"<base64 32-byte seed>\"}}; "
        "manage.py generate_pos_key prints one).")


def public_key(store) -> Ed25519PublicKey:
    return private_key(store).public_key()


def key_id(key: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key: which key signed a record."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign(store, message: bytes) -> tuple[str, str]:
    """(signature in hex, key id) of `message` with the store's key."""
    key = private_key(store)
    return key.sign(message).hex(), key_id(key.public_key())


def is_valid(key: Ed25519PublicKey, signature: str, message: bytes) -> bool:
    try:
        key.verify(bytes.fromhex(signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def new_seed() -> str:
    """A fresh private seed as `POS_SIGNING_KEYS` takes it (base64)."""
    raw = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                                     serialization.NoEncryption())
    return base64.b64encode(raw).decode()


def public_pem(store) -> str:
    """The store's public key (PEM), written into archives so an auditor can check them."""
    return public_key(store).public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo).decode()
