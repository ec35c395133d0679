"""Which accounts a store's staff deal with, shared by the admin, the API and the account services.

Users are global (one e-mail, one password), so a customer belongs to a store
through what they did there: they registered on it, or they ordered in it.
Staff and superusers are never customers: they are a store's colleagues.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from ashopy.stores.models import Membership, Role, Store

from .models import Address, CustomerNote, Segment, User

#: How much a role may do to accounts, to pick the store an admin page acts for.
ROLE_RANK = {Role.GESTIONNAIRE: 1, Role.VENDEUR: 2, Role.ADMIN: 3}


def _store_ids(store: Store | int | Iterable) -> list:
    if isinstance(store, Store | int):
        return [store.pk if isinstance(store, Store) else store]
    return [item.pk if isinstance(item, Store) else item for item in store]


def customers_of(*, store: Store | int | Iterable) -> QuerySet[User]:
    """The customers of `store` (a store, or several: stores or their ids)."""
    stores = _store_ids(store)
    ordered = User.objects.filter(orders__store__in=stores).values("pk")
    return (User.objects.filter(Q(registered_store__in=stores) | Q(pk__in=ordered), is_staff=False,
                                is_superuser=False)
            .exclude(pk__in=Membership.objects.values("user")))


def staff_of(*, store: Store | int | Iterable) -> QuerySet[User]:
    """The staff members of `store` (or of several stores), superusers excepted."""
    members = Membership.objects.filter(store__in=_store_ids(store)).values("user")
    return User.objects.filter(pk__in=members, is_superuser=False)


def is_customer_of(*, store: Store, user: User) -> bool:
    return customers_of(store=store).filter(pk=user.pk).exists()


def is_staff_of(*, store: Store, user: User) -> bool:
    return staff_of(store=store).filter(pk=user.pk).exists()


def acting_store(*, actor: User, user: User) -> Store | None:
    """The store through which `actor` deals with `user` where no request names one (the admin).

    Among the stores where `actor` works and `user` is a customer, a colleague or `actor` themselves,
    the one where `actor`'s role may do most. None when there is none (or `actor` is a superuser).
    """
    if actor.is_superuser:
        return None
    memberships = sorted(Membership.objects.filter(user=actor).select_related("store"),
                         key=lambda membership: (-ROLE_RANK.get(membership.role, 0), membership.pk))
    for membership in memberships:
        store = membership.store
        if user.pk == actor.pk or is_customer_of(store=store, user=user) or is_staff_of(store=store, user=user):
            return store
    return None


# Segments: declared by the customer, verified by the shop ----------------------------------------------------

def effective_segment(*, store: Store, user: User | None) -> str:
    """The segment that prices `user` in `store`: the one the shop verified, else — where the store takes a
    confirmed e-mail address as proof — the one they declared once their address is confirmed. "" for none."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    if user.segment:
        return user.segment
    if store.segment_by_email and user.email_verified:
        return user.declared_segment
    return ""


def pending_segment(*, store: Store, user: User | None) -> str:
    """The segment `user` declared that does not price them yet in `store` (awaiting verification), or ""."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.declared_segment:
        return ""
    return "" if effective_segment(store=store, user=user) else user.declared_segment


def _effective_segment_is(store: Store, value: str) -> Q:
    declared = Q(segment="", declared_segment=value, email_verified=True) if store.segment_by_email else Q(pk__in=[])
    return Q(segment=value) | declared


def _has_effective_segment(store: Store) -> Q:
    verified = ~Q(segment="")
    if not store.segment_by_email:
        return verified
    return verified | (Q(email_verified=True) & ~Q(declared_segment=""))


def _pending_verification(store: Store) -> Q:
    pending = Q(segment="") & ~Q(declared_segment="")
    return pending & Q(email_verified=False) if store.segment_by_email else pending


# The staff's customer list: one search and one set of filters for the back office and the API -------------

SEARCH_WORDS = 5  # words of a search that count; more only cost time
NO_SEGMENT = "none"
PENDING = "pending"
NO_PARTNER = "none"


@dataclass(frozen=True)
class CustomerFilters:
    """What a staff customer list is narrowed to; every field optional.

    segment: a `Segment` value (the segment that prices them here), NO_SEGMENT, or PENDING (declared, awaiting
    verification). partner: a partner id of the store, or NO_PARTNER. email_verified / has_ordered (in this
    store, any order): None for either. q: words each found in the name, e-mail, phone or a company.
    """

    q: str = ""
    segment: str = ""
    partner: int | str | None = None
    email_verified: bool | None = None
    has_ordered: bool | None = None


PHONE_LIKE = re.compile(r"[\d\s+().-]+")


def _digits(word: str) -> str:
    """A phone number's significant digits: "77 123 45 67" → "771234567", "06 12 …" → "612…" (national 0
    dropped, since numbers are stored in E.164)."""
    return re.sub(r"\D", "", word).lstrip("0")


def _word_matches(store: Store, word: str) -> Q:
    match = (Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
             | Exists(Address.objects.filter(user=OuterRef("pk"), company__icontains=word))
             | Q(pk__in=User.objects.filter(orders__store=store, orders__billing_address__company__icontains=word)
                 .values("pk")))
    digits = _digits(word)
    if len(digits) >= 3:
        match |= Q(phone__contains=digits)
    return match


def search_customers(*, store: Store, filters: CustomerFilters | None = None) -> QuerySet[User]:
    """The store's customers narrowed by `filters`, newest first."""
    filters = filters or CustomerFilters()
    customers = customers_of(store=store).select_related("partner")
    q = filters.q.strip()
    if PHONE_LIKE.fullmatch(q) and len(_digits(q)) >= 3:  # "77 123 45 67": one number, not four words
        customers = customers.filter(phone__contains=_digits(q))
    else:
        for word in q.split()[:SEARCH_WORDS]:
            customers = customers.filter(_word_matches(store, word))
    if filters.segment == NO_SEGMENT:
        customers = customers.exclude(_has_effective_segment(store))
    elif filters.segment == PENDING:
        customers = customers.filter(_pending_verification(store))
    elif filters.segment in Segment.values:
        customers = customers.filter(_effective_segment_is(store, filters.segment))
    if filters.partner == NO_PARTNER:
        customers = customers.filter(partner__isnull=True)
    elif filters.partner:
        customers = customers.filter(partner=filters.partner, partner__store=store)
    if filters.email_verified is not None:
        customers = customers.filter(email_verified=filters.email_verified)
    if filters.has_ordered is not None:
        ordered = Q(pk__in=User.objects.filter(orders__store=store).values("pk"))
        customers = customers.filter(ordered) if filters.has_ordered else customers.exclude(ordered)
    return customers.order_by("-date_joined", "-id")


ID_MAX = 2**63 - 1  # ids are bigints: a longer number in a URL is no one's, not a database error


def is_valid_id(pk) -> bool:
    return isinstance(pk, int) and 0 < pk <= ID_MAX


def customer_of(*, store: Store, pk: int) -> User | None:
    """One customer of `store` with their partner and addresses, or None (another store's, staff, unknown)."""
    if not is_valid_id(pk):
        return None
    return (customers_of(store=store).select_related("partner", "segment_verified_by")
            .prefetch_related("addresses").filter(pk=pk).first())


def customer_notes(*, store: Store, customer: User) -> QuerySet[CustomerNote]:
    """The notes `store`'s staff wrote about `customer`, newest first; another store's are never among them."""
    return CustomerNote.objects.for_store(store).filter(customer=customer).select_related("author")
