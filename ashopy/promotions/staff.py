"""Staff use cases on promotions and promo codes: create, change, deactivate, generate a batch of codes.

Shared by the back office and the staff API, which only translate what these functions refuse. Who may
do what is `STAFF_ACTIONS`: every staff role sees promotions and codes (a salesperson answers customers
about them), managers and admins write them. Bad data raises Django's `ValidationError` keyed by field
(a 400 on both channels) and changes nothing; another store's promotion or code is a `NotFound`.

Codes are stored upper case, so the `(store, code)` unique constraint is a case-insensitive one; a
batch of single-use codes draws its random part from `secrets` over an alphabet without the look-alikes
0/O and 1/I, so a code read aloud or off a flyer is typed right, and 10 characters (2^50) cannot be
guessed.
"""

import re
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ashopy.accounts.models import Segment
from ashopy.core.errors import NotFound
from ashopy.core.money import quantum
from ashopy.stores.models import Store
from ashopy.stores.rules import SALES_ROLES, STOCK_ROLES, has_role, require_role

from .models import PromoCode, Promotion

STAFF_ACTIONS = {"view": SALES_ROLES, "manage": STOCK_ROLES}

CODE_PATTERN = re.compile(r"^[A-Z0-9_-]{1,40}$")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, no 1/I
RANDOM_LENGTH = 10
MAX_BATCH = 1000
MAX_PREFIX = 40 - RANDOM_LENGTH - 1
MAX_VALUE = Decimal("999999999999.99")

PROMOTION_SCOPE = ("products", "variants", "categories", "brands", "partners")
PROMOTION_FIELDS = frozenset({"name", "kind", "value", "starts_at", "ends_at", "is_active", "priority",
                              "exclusive", "audience", "segments", *PROMOTION_SCOPE})
CODE_SCOPE = ("products", "categories")
CODE_FIELDS = frozenset({"code", "description", "kind", "value", "minimum_amount", "starts_at", "ends_at",
                         "max_uses", "max_uses_per_customer", "first_order_only", "segments", "staff_only",
                         "is_active", *CODE_SCOPE})
BATCH_FIELDS = CODE_FIELDS - {"code", "max_uses"}
PERCENT_CODES = {PromoCode.Kind.ORDER_PERCENT, PromoCode.Kind.ITEMS_PERCENT}
ITEM_CODES = {PromoCode.Kind.ITEMS_PERCENT, PromoCode.Kind.ITEMS_AMOUNT}


def allowed(*, user, store: Store, action: str) -> bool:
    """Whether `user` may `action` ("view" or "manage") the store's promotions (to show a page or a button)."""
    return user is None or has_role(user, store, STAFF_ACTIONS[action])


def authorize(*, user, store: Store, action: str) -> None:
    require_role(user=user, store=store, roles=STAFF_ACTIONS[action])


# --- checks shared by promotions and codes ---------------------------------------------------------


def _check_amounts(errors: dict, *, store: Store, value, percent: bool, field: str = "value") -> None:
    if value is None:
        errors.setdefault(field, []).append(_("Enter a value."))
    elif not isinstance(value, Decimal | int) or isinstance(value, bool) or not Decimal(value).is_finite():
        errors.setdefault(field, []).append(_("Enter a number."))
    elif value < 0:
        errors.setdefault(field, []).append(_("The value cannot be negative."))
    elif percent and value > 100:
        errors.setdefault(field, []).append(_("A percentage is at most 100."))
    elif value > MAX_VALUE:
        errors.setdefault(field, []).append(_("This value is too large."))
    elif not percent and Decimal(value) != Decimal(value).quantize(quantum(store.currency)):
        errors.setdefault(field, []).append(
            _("Amounts in %(currency)s have at most %(places)s decimal(s).")
            % {"currency": store.currency, "places": -quantum(store.currency).as_tuple().exponent})


def _check_dates(errors: dict, starts_at, ends_at) -> None:
    if starts_at and ends_at and ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The end must be after the start."))


def _check_segments(errors: dict, segments) -> list[str]:
    segments = list(segments or [])
    if any(segment not in Segment.values for segment in segments):
        errors.setdefault("segments", []).append(_("Unknown customer segment."))
    return sorted(set(segments))


def _check_scope(errors: dict, store: Store, scope: dict[str, Iterable]) -> dict[str, list]:
    """Each picked object must be the store's; the lists come back as lists."""
    checked = {}
    for name, objects in scope.items():
        objects = list(objects or [])
        if any(getattr(item, "store_id", None) != store.pk for item in objects):
            errors.setdefault(name, []).append(_("Only this store's items can be chosen."))
        checked[name] = objects
    return checked


def _own(instance, store: Store):
    if instance is not None and instance.store_id != store.pk:
        raise NotFound()
    return instance


def _apply(instance, fields: dict[str, Any], scope_names: tuple[str, ...]) -> dict[str, list]:
    scope = {name: fields.pop(name) for name in scope_names if name in fields}
    for name, value in fields.items():
        setattr(instance, name, value)
    return scope


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


# --- promotions ------------------------------------------------------------------------------------


@transaction.atomic
def save_promotion(*, store: Store, user, promotion: Promotion | None = None, **fields: Any) -> Promotion:
    """Create a promotion, or change the given one (only the fields passed), with its scope and audience."""
    authorize(user=user, store=store, action="manage")
    if unknown := set(fields) - PROMOTION_FIELDS:
        raise TypeError(f"unknown promotion fields: {sorted(unknown)}")
    promotion = _own(promotion, store) or Promotion(store=store)
    scope = _apply(promotion, dict(fields), PROMOTION_SCOPE)
    errors: dict = {}
    promotion.name = (promotion.name or "").strip()
    if not promotion.name:
        errors["name"] = [_("Give the promotion a name.")]
    _check_amounts(errors, store=store, value=promotion.value, percent=promotion.kind == Promotion.Kind.PERCENT)
    _check_dates(errors, promotion.starts_at, promotion.ends_at)
    promotion.segments = _check_segments(errors, promotion.segments)
    scope = _check_scope(errors, store, scope)
    audience = promotion.audience
    if audience == Promotion.Audience.SEGMENTS and not promotion.segments:
        errors.setdefault("segments", []).append(_("Choose at least one segment for this audience."))
    partners = scope.get("partners", list(promotion.partners.all()) if promotion.pk else [])
    if audience == Promotion.Audience.PARTNERS and not partners:
        errors.setdefault("partners", []).append(_("Choose at least one partner for this audience."))
    _raise(errors)
    promotion.full_clean(exclude=["store"])
    promotion.save()
    for name, objects in scope.items():
        getattr(promotion, name).set(objects)
    return promotion


@transaction.atomic
def set_promotion_active(*, promotion: Promotion, user, active: bool) -> Promotion:
    """Deactivate (prices go back at once) or reactivate a promotion; its settings are kept."""
    authorize(user=user, store=promotion.store, action="manage")
    Promotion.objects.filter(pk=promotion.pk).update(is_active=active)
    promotion.is_active = active
    return promotion


# --- promo codes -----------------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


def _check_code_settings(errors: dict, store: Store, code: PromoCode, scope: dict[str, list]) -> None:
    _check_amounts(errors, store=store, value=code.value, percent=code.kind in PERCENT_CODES)
    _check_amounts(errors, store=store, value=code.minimum_amount, percent=False, field="minimum_amount")
    _check_dates(errors, code.starts_at, code.ends_at)
    code.segments = _check_segments(errors, code.segments)
    for name in ("max_uses", "max_uses_per_customer"):
        value = getattr(code, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            errors.setdefault(name, []).append(_("Enter a whole number of at least 1, or leave it empty."))
    if code.kind in ITEM_CODES:
        chosen = [scope[name] if name in scope else (list(getattr(code, name).all()) if code.pk else [])
                  for name in CODE_SCOPE]
        if not any(chosen):
            errors.setdefault("products", []).append(_("Choose the products or categories this code takes off."))


@transaction.atomic
def save_code(*, store: Store, user, promo_code: PromoCode | None = None, **fields: Any) -> PromoCode:
    """Create a promo code, or change the given one (only the fields passed)."""
    authorize(user=user, store=store, action="manage")
    if unknown := set(fields) - CODE_FIELDS:
        raise TypeError(f"unknown promo code fields: {sorted(unknown)}")
    promo = _own(promo_code, store) or PromoCode(store=store)
    scope = _apply(promo, dict(fields), CODE_SCOPE)
    errors: dict = {}
    promo.code = normalise_code(promo.code)
    if not CODE_PATTERN.match(promo.code):
        errors["code"] = [_("A code has 1 to 40 letters, digits, “-” or “_”, without spaces or accents.")]
    elif PromoCode.objects.filter(store=store, code__iexact=promo.code).exclude(pk=promo.pk).exists():
        errors["code"] = [_("This store already has the code %(code)s.") % {"code": promo.code}]
    scope = _check_scope(errors, store, scope)
    _check_code_settings(errors, store, promo, scope)
    _raise(errors)
    promo.full_clean(exclude=["store"], validate_constraints=False)
    try:
        with transaction.atomic():
            promo.save()
    except IntegrityError as error:  # the same code created meanwhile by a colleague
        raise ValidationError({"code": [_("This store already has the code %(code)s.") % {"code": promo.code}]}
                              ) from error
    for name, objects in scope.items():
        getattr(promo, name).set(objects)
    return promo


@transaction.atomic
def set_code_active(*, code: PromoCode, user, active: bool) -> PromoCode:
    """Deactivate a code (customers can no longer apply it; uses already held stay) or reactivate it."""
    authorize(user=user, store=code.store, action="manage")
    PromoCode.objects.filter(pk=code.pk).update(is_active=active)
    code.is_active = active
    return code


def _random_codes(prefix: str, count: int, taken: set[str]) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        random_part = "".join(secrets.choice(CODE_ALPHABET) for _ in range(RANDOM_LENGTH))
        candidate = f"{prefix}-{random_part}" if prefix else random_part
        if candidate not in taken:
            codes.add(candidate)
    return sorted(codes)


@transaction.atomic
def generate_codes(*, store: Store, user, prefix: str, count: int, **settings: Any) -> list[PromoCode]:
    """`count` new single-use codes (the prefix, a hyphen and `RANDOM_LENGTH`
    characters of `CODE_ALPHABET`) sharing `settings`, their batch named by the prefix.

    A prefix used again adds codes to its batch (the batch's CSV lists them all).
    """
    authorize(user=user, store=store, action="manage")
    if unknown := set(settings) - BATCH_FIELDS:
        raise TypeError(f"unknown batch fields: {sorted(unknown)}")
    prefix = normalise_code(prefix)
    errors: dict = {}
    if not CODE_PATTERN.match(prefix) or len(prefix) > MAX_PREFIX:
        errors["prefix"] = [_("A prefix has 1 to %(most)s letters, digits, “-” or “_”.") % {"most": MAX_PREFIX}]
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_BATCH:
        errors["count"] = [_("Generate between 1 and %(most)s codes at a time.") % {"most": MAX_BATCH}]
    template = PromoCode(store=store, batch=prefix, max_uses=1)
    scope = _check_scope(errors, store, _apply(template, dict(settings), CODE_SCOPE))
    _check_code_settings(errors, store, template, scope)
    _raise(errors)
    taken = set(PromoCode.objects.filter(store=store, code__startswith=f"{prefix}-").values_list("code", flat=True))
    fields = {field.attname: getattr(template, field.attname) for field in PromoCode._meta.concrete_fields
              if field.attname not in ("id", "code", "created_at")}
    made = PromoCode.objects.bulk_create([PromoCode(code=code, **fields)
                                          for code in _random_codes(prefix, count, taken)])
    for name, objects in scope.items():
        through = getattr(PromoCode, name).through
        column = f"{getattr(PromoCode, name).field.m2m_reverse_field_name()}_id"
        through.objects.bulk_create([through(promocode_id=code.pk, **{column: item.pk})
                                     for code in made for item in objects])
    return made

