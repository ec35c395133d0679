"""Account use cases: registration, e-mail verification, addresses, roles."""

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from ashopy.core.errors import DomainError
from ashopy.stores.models import Membership, Role, Store

from .models import Address, Partner, User

VERIFY_SALT = "ashopy.accounts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600


class InvalidToken(DomainError):
    code = "invalid_token"
    message = "This link is invalid or has expired."


@transaction.atomic
def register_user(*, email: str, password: str, first_name: str = "", last_name: str = "",
                  phone: str = "", segment: str = "") -> User:
    """Create a customer account. Field errors raise ValidationError keyed by field."""
    email = User.objects.normalize_email(email).strip().lower()
    errors: dict[str, list[str]] = {}
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("An account with this e-mail address already exists.")]
    user = User(email=email, first_name=first_name, last_name=last_name, phone=phone,
                segment=segment, role=Role.CLIENT)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    try:
        user.full_clean(exclude=["password", "email"] if "email" in errors else ["password"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    return user


def email_verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFY_SALT)


def send_verification_email(*, user: User, verify_url: str) -> None:
    """`verify_url` is the absolute link carrying the token (built by the caller, who knows the host)."""
    context = {"user": user, "verify_url": verify_url}
    send_mail(
        subject=_("Confirm your e-mail address"),
        message=render_to_string("accounts/email/verify_email.txt", context),
        html_message=render_to_string("accounts/email/verify_email.html", context),
        from_email=None,
        recipient_list=[user.email],
    )


def verify_email(*, token: str) -> User:
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
        user = User.objects.get(pk=data["user"], email=data["email"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError) as error:
        raise InvalidToken(_("This link is invalid or has expired.")) from error
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user


PROFILE_FIELDS = ("first_name", "last_name", "phone")


@transaction.atomic
def update_profile(*, user: User, first_name: str, last_name: str, phone: str = "") -> User:
    """Change what customers may edit themselves; e-mail, role, segment and partner stay with the shop."""
    user.first_name, user.last_name, user.phone = first_name, last_name, phone
    try:
        user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in PROFILE_FIELDS])
    except ValidationError:
        user.refresh_from_db(fields=PROFILE_FIELDS)
        raise
    user.save(update_fields=PROFILE_FIELDS)
    return user


ADDRESS_FIELDS = ("label", "first_name", "last_name", "company", "line1", "line2", "postal_code",
                  "city", "country", "phone", "is_default_shipping", "is_default_billing")


@transaction.atomic
def save_address(*, user: User, address: Address | None = None, **fields) -> Address:
    """Create or update one of `user`'s addresses; a new default replaces the old one."""
    unknown = set(fields) - set(ADDRESS_FIELDS)
    if unknown:
        raise TypeError(f"unknown address fields: {sorted(unknown)}")
    address = address or Address(user=user)
    if address.user_id != user.pk:
        raise DomainError(_("Not found."))
    for name, value in fields.items():
        setattr(address, name, value)
    if not user.addresses.exclude(pk=address.pk).exists():
        address.is_default_shipping = address.is_default_billing = True
    address.full_clean(exclude=["user"])
    others = user.addresses.exclude(pk=address.pk)
    if address.is_default_shipping:
        others.filter(is_default_shipping=True).update(is_default_shipping=False)
    if address.is_default_billing:
        others.filter(is_default_billing=True).update(is_default_billing=False)
    address.save()
    return address


@transaction.atomic
def delete_address(*, user: User, address: Address) -> None:
    if address.user_id != user.pk:
        raise DomainError(_("Not found."))
    was_shipping, was_billing = address.is_default_shipping, address.is_default_billing
    address.delete()
    heir = user.addresses.order_by("id").first()
    if heir and (was_shipping or was_billing):
        heir.is_default_shipping = heir.is_default_shipping or was_shipping
        heir.is_default_billing = heir.is_default_billing or was_billing
        heir.save(update_fields=["is_default_shipping", "is_default_billing"])


@transaction.atomic
def assign_role(*, user: User, store: Store, role: str) -> User:
    """Give `user` a role: staff roles become a membership of `store` and back-office access."""
    role = Role(role)
    user.role = role
    user.is_staff = role != Role.CLIENT
    user.save(update_fields=["role", "is_staff"])
    user.groups.set(Group.objects.filter(name=role.value))
    if role == Role.CLIENT:
        Membership.objects.filter(user=user, store=store).delete()
    else:
        Membership.objects.update_or_create(user=user, store=store, defaults={"role": role})
    return user


@transaction.atomic
def revoke_role(*, user: User, store: Store) -> User:
    """Take away `user`'s role in `store`; they stay staff while they are still a member elsewhere."""
    Membership.objects.filter(user=user, store=store).delete()
    if user.is_superuser:
        return user
    remaining = Membership.objects.filter(user=user).select_related("store").order_by("id").first()
    if remaining is None:
        return assign_role(user=user, store=store, role=Role.CLIENT)
    return assign_role(user=user, store=remaining.store, role=remaining.role)


@transaction.atomic
def save_partner(*, store: Store, name: str, **fields) -> Partner:
    """Create or update the store's partner organisation called `name`."""
    partner = Partner.objects.filter(store=store, name=name).first() or Partner(store=store, name=name)
    for field, value in fields.items():
        setattr(partner, field, value)
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def set_customer_terms(*, user: User, segment: str = "", partner: Partner | None = None) -> User:
    """What the shop decides about a customer: their segment (discount) and partner organisation."""
    user.segment, user.partner = segment, partner
    user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in ("segment", "partner")])
    user.save(update_fields=["segment", "partner"])
    return user
