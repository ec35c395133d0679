"""Store use cases: opening or updating a store and the domain it answers on."""

from django.db import transaction

from .models import Store, StoreDomain


@transaction.atomic
def save_store(*, slug: str, domain: str = "", **fields) -> Store:
    """Create or update the store `slug`; `domain`, if given, becomes its primary domain."""
    store = Store.objects.filter(slug=slug).first() or Store(slug=slug)
    for name, value in fields.items():
        setattr(store, name, value)
    store.full_clean()
    store.save()
    if domain:
        set_primary_domain(store=store, domain=domain)
    return store


@transaction.atomic
def set_primary_domain(*, store: Store, domain: str) -> StoreDomain:
    """Make `domain` the store's primary domain (taking it over if it exists); the others stay secondary."""
    domain = domain.strip().lower()
    store.domains.filter(is_primary=True).exclude(domain=domain).update(is_primary=False)
    row = StoreDomain.objects.filter(domain=domain).first() or StoreDomain(domain=domain)
    row.store, row.is_primary = store, True
    row.full_clean(validate_constraints=False)
    row.save()
    return row
