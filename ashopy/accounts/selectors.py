"""Which accounts a store's staff deal with, shared by the admin, the API and the account services.

Users are global (one e-mail, one password), so a customer belongs to a store
through what they did there: they registered on it, or they ordered in it.
Staff and superusers are never customers: they are a store's colleagues.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from ashopy.stores.models import Membership, Role, Store

from .models import User

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
