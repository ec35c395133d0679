"""Account use cases: registration, e-mail verification, addresses, roles, and staff changing accounts.

Who may change what on someone else's account is decided here (`editable_fields`), for the admin and the
API alike: a store's staff deal only with its customers (see `selectors`), a salesperson changes a customer's
contact details only, and what lowers prices (segment, partner, e-mail verification), what hands over the
account (e-mail, password) and anything about a colleague belongs to the store's administrator.
"""

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ashopy.core.errors import DomainError, NotFound, PermissionDenied
from ashopy.stores.models import Membership, Role, Store
from ashopy.stores.rules import require_role
from ashopy.stores.selectors import staff_role

from .models import Address, CustomerNote, Partner, User
from .selectors import is_customer_of, is_staff_of

VERIFY_SALT = "ashopy.accounts.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600


class InvalidToken(DomainError):
    code = "invalid_token"
    message = "This link is invalid or has expired."


@transaction.atomic
def register_user(*, email: str, password: str, first_name: str = "", last_name: str = "",
                  phone: str = "", segment: str = "", store: Store | None = None) -> User:
    """Create a customer account of `store` (the store they signed up on). Field errors raise ValidationError
    keyed by field.

    The `segment` a customer gives is only declared: it lowers no price until the shop sets their segment.
    """
    email = User.objects.normalize_email(email).strip().lower()
    errors: dict[str, list[str]] = {}
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = [_("An account with this e-mail address already exists.")]
    user = User(email=email, first_name=first_name, last_name=last_name, phone=phone,
                declared_segment=segment, registered_store=store, role=Role.CLIENT)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    try:
        user.full_clean(exclude=["password", "email"] if "email" in errors else ["password"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault("segment" if field == "declared_segment" else field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    return user


def email_verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFY_SALT)


def send_verification_email(*, user: User, verify_url: str, store) -> None:
    """`verify_url` is the absolute link carrying the token (built by the caller, who knows the host and store)."""
    context = {"user": user, "verify_url": verify_url}
    send_mail(
        subject=_("Confirm your e-mail address"),
        message=render_to_string("accounts/email/verify_email.txt", context),
        html_message=render_to_string("accounts/email/verify_email.html", context),
        from_email=store.email_sender,
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


def remember_addresses(*, user: User, addresses: list[dict]) -> list[Address]:
    """Add addresses typed at checkout to `user`'s address book (when they asked to), skipping those it
    already holds; an address the book would refuse (a field too long for it) is left out."""
    saved = []
    for fields in addresses:
        fields = {name: value for name, value in fields.items() if name in ADDRESS_FIELDS}
        if user.addresses.filter(**fields).exists():
            continue
        try:
            saved.append(save_address(user=user, **fields))
        except ValidationError:
            continue
    return saved


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
    """What the shop decides about a customer: their verified segment (discount) and partner organisation.

    Trusted callers only (data loads, commands): staff go through `update_account`, which checks their role.
    """
    user.segment, user.partner = segment, partner
    user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in ("segment", "partner")])
    user.save(update_fields=["segment", "partner"])
    return user


# Staff changing someone else's account ---------------------------------------------------------------------

CONTACT_FIELDS = frozenset({"first_name", "last_name", "phone"})
#: A changed e-mail lets its new owner reset the password; a deactivated account locks its owner out.
ACCESS_FIELDS = frozenset({"email", "is_active"})
#: What the shop vouches for about a customer: segment and partner lower prices, and a verified
#: address is what a segment or partner claim is checked against.
TERMS_FIELDS = frozenset({"segment", "partner", "email_verified"})
PASSWORD = "password"  # noqa: S105 (the right to set one, not a password)
OWN_FIELDS = CONTACT_FIELDS | {PASSWORD}
ADMIN_FIELDS = CONTACT_FIELDS | ACCESS_FIELDS | TERMS_FIELDS | {PASSWORD}
SUPERUSER_FIELDS = ADMIN_FIELDS | {"is_staff", "is_superuser"}
#: What `update_account` changes (a password is set on its own page, with its own form).
ACCOUNT_FIELDS = SUPERUSER_FIELDS - {PASSWORD}
#: Store role → what it may change on one of the store's customers: the manager who runs the shop day to
#: day also vouches for its terms (verifies a student or a professional), not for its access.
CUSTOMER_RIGHTS = {Role.ADMIN: ADMIN_FIELDS, Role.GESTIONNAIRE: CONTACT_FIELDS | TERMS_FIELDS,
                   Role.VENDEUR: CONTACT_FIELDS}


class AccountNotFound(NotFound):
    """An account no store of the caller deals with: answered as if it did not exist."""


def _administers_every_store_of(actor: User, member: User) -> bool:
    """A colleague's account is global: changing it is for whoever administers every store they work in."""
    if member.is_superuser:
        return False
    stores = set(Membership.objects.filter(user=member).values_list("store", flat=True))
    administered = set(Membership.objects.filter(user=actor, role=Role.ADMIN).values_list("store", flat=True))
    return bool(stores) and stores <= administered


def editable_fields(*, actor: User, store: Store | None, user: User) -> frozenset[str]:
    """What `actor`, acting for `store`, may change on `user`'s account ("password": may set it).

    Raises PermissionDenied when `actor` is not staff of `store`, AccountNotFound when `user` is none of
    the store's business (neither its customer, a colleague, nor `actor` themselves).
    """
    if actor.is_superuser:
        return SUPERUSER_FIELDS
    role = staff_role(actor, store)
    if role is None:
        raise PermissionDenied(_("Only this store's staff may see and change its customers."))
    if user.pk == actor.pk:
        return ADMIN_FIELDS if role == Role.ADMIN else OWN_FIELDS
    if is_customer_of(store=store, user=user):
        return CUSTOMER_RIGHTS.get(role, frozenset())
    if is_staff_of(store=store, user=user):
        return ADMIN_FIELDS if _administers_every_store_of(actor, user) else frozenset()
    raise AccountNotFound(_("No such customer in this store."))


@transaction.atomic
def update_account(*, actor: User, store: Store | None, user: User, **fields) -> User:
    """Change `user`'s account as `actor`, staff of `store` (None: a superuser, anywhere).

    Every field `actor` may not change is refused (PermissionDenied naming them) and nothing is saved.
    The segment set here is the verified one, the one that prices.
    """
    unknown = set(fields) - ACCOUNT_FIELDS
    if unknown:
        raise TypeError(f"unknown account fields: {sorted(unknown)}")
    refused = sorted(set(fields) - editable_fields(actor=actor, store=store, user=user))
    if refused:
        message = _("You may not change this for this account.")
        raise PermissionDenied(_("You may not change these details of this account."),
                               fields={name: [message] for name in refused})
    partner = fields.get("partner")
    if partner is not None and not actor.is_superuser and partner.store_id != store.pk:
        raise DomainError(_("Choose one of this store's partners."),
                          fields={"partner": [_("Choose one of this store's partners.")]})
    if "email" in fields:
        fields["email"] = User.objects.normalize_email(fields["email"]).strip().lower()
    if "segment" in fields:
        # Whoever sets the segment that prices vouches for it: that is the verification.
        fields.update(segment_verified_by=actor if fields["segment"] else None,
                      segment_verified_at=timezone.now() if fields["segment"] else None)
    for name, value in fields.items():
        setattr(user, name, value)
    try:
        user.full_clean(exclude=[field.name for field in User._meta.fields if field.name not in fields])
    except ValidationError:
        user.refresh_from_db(fields=list(fields))
        raise
    if fields:
        user.save(update_fields=list(fields))
    return user


class NothingToVerify(DomainError):
    code = "nothing_to_verify"
    message = "This customer declared no segment."


@transaction.atomic
def verify_segment(*, actor: User, store: Store | None, user: User) -> User:
    """`actor` checked the segment `user` declared at sign-up (a student card, a trade register …): it becomes
    the segment that prices them, recorded with who verified it and when.

    The same right as setting the segment (`editable_fields`: the store administrator's).
    """
    if not user.declared_segment:
        raise NothingToVerify(_("This customer declared no segment."))
    return update_account(actor=actor, store=store, user=user, segment=user.declared_segment)


# Staff notes on a customer ---------------------------------------------------------------------------------

NOTE_LENGTH = 4000
#: Salespeople and administrators write notes about customers; stock managers only read them, as they only
#: read the customers' accounts.
NOTE_ROLES = frozenset({Role.VENDEUR, Role.ADMIN})


def may_add_notes(*, actor: User, store: Store) -> bool:
    return staff_role(actor, store) in NOTE_ROLES


@transaction.atomic
def add_customer_note(*, actor: User, store: Store, customer: User, text: str) -> CustomerNote:
    """Write down something about `customer` for `store`'s staff (timestamped, signed by `actor`).

    Notes are append-only and belong to the store: another store's staff never see them.
    """
    require_role(user=actor, store=store, roles=NOTE_ROLES)
    if not is_customer_of(store=store, user=customer):
        raise AccountNotFound(_("No such customer in this store."))
    text = (text or "").strip()
    if not text:
        message = _("Write the note.")
        raise DomainError(message, fields={"text": [message]})
    if len(text) > NOTE_LENGTH:
        message = _("A note holds at most %(count)d characters.") % {"count": NOTE_LENGTH}
        raise DomainError(message, fields={"text": [message]})
    return CustomerNote.objects.create(store=store, customer=customer, author=actor, text=text)


class EmailTaken(DomainError):
    """An account already has this e-mail address: `customer` is it when it is a customer of the store (the
    till then picks it), else None (someone else's account is not shown)."""

    code = "email_taken"
    message = _("An account with this e-mail address already exists.")
    status = 409

    def __init__(self, *, customer: User | None = None):
        super().__init__(fields={"email": [str(self.message)]})
        self.customer = customer


#: Who creates a customer account for someone at the counter: the roles that sell.
QUICK_CREATE_ROLES = frozenset({Role.VENDEUR, Role.GESTIONNAIRE, Role.ADMIN})


@transaction.atomic
def quick_create_customer(*, actor: User, store: Store, email: str, first_name: str = "", last_name: str = "",
                          phone: str = "") -> User:
    """A customer account made by `store`'s staff for someone in front of them (at the till): a customer of
    `store` (registered on it), with no usable password — they choose one through "forgot password" if they
    want to sign in. An address already taken raises EmailTaken, naming the account when it is the store's
    customer. Field errors raise ValidationError keyed by field."""
    require_role(user=actor, store=store, roles=QUICK_CREATE_ROLES)
    email = User.objects.normalize_email(email or "").strip().lower()
    existing = User.objects.filter(email__iexact=email).first() if email else None
    if existing is not None:
        raise EmailTaken(customer=existing if is_customer_of(store=store, user=existing) else None)
    user = User(email=email, first_name=(first_name or "").strip(), last_name=(last_name or "").strip(),
                phone=phone or "", registered_store=store, role=Role.CLIENT)
    user.full_clean(exclude=["password"])
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same address made at the same moment elsewhere
        raise EmailTaken() from None
    return user
