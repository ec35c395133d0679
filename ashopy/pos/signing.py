"""The stores' Ed25519 keys: sign a chain record's hash, verify a signature.

Keys come from settings (`POS_SIGNING_KEYS`, JSON by store slug or "*": a base64 32-byte private
seed or a PEM private key), never from the database, so whoever can write the tables cannot forge
a signature. With DEBUG on and no key configured, a demo key is derived from SECRET_KEY and the
store's slug (stable across restarts, so the demo's chain still verifies); with DEBUG off, signing
refuses to start without a key (ImproperlyConfigured, naming the setting).

Rotation: every record names the key that signed it (`key_id`). When a store's key is replaced, the
old key's PUBLIC half goes into `POS_RETIRED_KEYS` (JSON by store slug or "*", each a PEM public key or
the base64 of the raw 32 bytes, or a list of them), and every record is checked with the key its id names:
the current one or a retired one. A record naming a key found in neither is reported as such.
"""

import base64
import binascii
import hashlib
from functools import lru_cache

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SETTING = "POS_SIGNING_KEYS"
RETIRED_SETTING = "POS_RETIRED_KEYS"


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


@lru_cache(maxsize=64)
def _load_public(text: str) -> Ed25519PublicKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error, UnsupportedAlgorithm) as error:
        raise ImproperlyConfigured(f"{RETIRED_SETTING}: a key is neither a PEM public key nor the base64 of a "
                                   "raw 32-byte public key.") from error
    if not isinstance(key, Ed25519PublicKey):
        raise ImproperlyConfigured(f"{RETIRED_SETTING}: keys must be Ed25519 public keys.")
    return key


def _retired(slug: str) -> list[str]:
    """The retired public keys configured for the store and for every store ("*")."""
    keys = getattr(settings, RETIRED_SETTING, None) or {}
    if not isinstance(keys, dict):
        raise ImproperlyConfigured(f"{RETIRED_SETTING} must be a JSON object by store slug (or \"*\").")
    texts = []
    for entry in (keys.get(slug), keys.get("*")):
        entries = [entry] if isinstance(entry, str) else entry or []
        if not isinstance(entries, list) or not all(isinstance(text, str) for text in entries):
            raise ImproperlyConfigured(f"{RETIRED_SETTING}: give a key or a list of keys per store.")
        texts.extend(entries)
    return texts


def verification_keys(store) -> dict[str, Ed25519PublicKey]:
    """{key id: public key} of every key the store's records may be signed with: its current key and
    its retired ones."""
    keys = {key_id(key): key for key in map(_load_public, _retired(store.slug))}
    current = public_key(store)
    keys[key_id(current)] = current
    return keys


def pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def raw_base64(key: Ed25519PublicKey) -> str:
    """The public key as `POS_RETIRED_KEYS` takes it (base64 of the raw 32 bytes)."""
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


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
    return pem(public_key(store))
