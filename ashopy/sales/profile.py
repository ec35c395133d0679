"""The store's legal profile: what its invoices say about the seller, saved by a manager or an admin.

The store's own fields (legal name, address, postal code, city) and its `SellerProfile` change together
in one transaction. Registration numbers are checked by the store's country with python-stdnum (SIREN,
SIRET, VAT number in France; NINEA in Senegal) and kept in their canonical form, so the invoices'
mentions (`legal.missing_mentions`) accept what was saved; the numbering formats keep the model's validator.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siren, siret, tva
from stdnum.sn import ninea

from ashopy.stores.models import Store
from ashopy.stores.services import save_store

from . import rules
from .errors import InvalidLegalProfile
from .legal import FRANCE, SENEGAL
from .models import SellerProfile
from .services import profile_of

STORE_FIELDS = ("legal_name", "address", "postal_code", "city")
PROFILE_FIELDS = ("legal_form", "share_capital", "siren", "siret", "rcs", "vat_number", "vat_exempt", "ninea",
                  "rccm", "operation", "payment_terms_days", "late_penalty_rate", "invoice_format",
                  "credit_note_format", "quote_format", "quote_validity_days", "quote_payment_days")
# The registration fields that only mean something in one country.
COUNTRY_FIELDS = {FRANCE: ("siren", "siret", "rcs", "vat_number", "vat_exempt", "share_capital"),
                  SENEGAL: ("ninea", "rccm")}


def fields_for(country: str) -> tuple[str, ...]:
    """The profile fields a store of `country` fills in (every one for another country)."""
    if country not in COUNTRY_FIELDS:
        return PROFILE_FIELDS
    others = {name for code, names in COUNTRY_FIELDS.items() if code != country for name in names}
    return tuple(name for name in PROFILE_FIELDS if name not in others or name in COUNTRY_FIELDS[country])


def _checked(values: dict, errors: dict) -> None:
    """Registration numbers in canonical form, or an error on the field (empty is allowed here: the
    invoice's mentions list says what issuing still needs)."""

    def canonical(name, module, message, shape=lambda module, value: module.compact(value)):
        value = (values.get(name) or "").strip()
        if not value:
            return
        if not module.is_valid(value):
            errors.setdefault(name, []).append(str(message))
        else:
            values[name] = shape(module, value)

    canonical("siren", siren, _("Enter a valid SIREN: 9 digits whose check digit is right."))
    canonical("siret", siret, _("Enter a valid SIRET: 14 digits whose check digit is right."))
    canonical("vat_number", tva, _("Enter a valid French VAT number, e.g. FR40303265045."),
              lambda module, value: "FR" + module.compact(value))
    canonical("ninea", ninea, _("Enter a valid NINEA, e.g. 1234567 2G3."), lambda module, value: module.format(value))
    if values.get("siren") and values.get("siret") and "siren" not in errors and "siret" not in errors \
            and not values["siret"].startswith(values["siren"]):
        errors.setdefault("siret", []).append(str(_("The SIRET must start with the SIREN.")))
    if values.get("siren") and values.get("vat_number") and "siren" not in errors and "vat_number" not in errors \
            and not values["vat_number"].endswith(values["siren"]):
        errors.setdefault("vat_number", []).append(str(_("This VAT number is not the one of this SIREN.")))


@transaction.atomic
def update_legal_profile(*, store: Store, user, **fields) -> SellerProfile:
    """Save the store's legal details and its seller profile (managers and admins); nothing is saved when any
    field is refused (InvalidLegalProfile, with the messages by field)."""
    rules.authorize(user=user, store=store, action="settings")
    unknown = set(fields) - set(STORE_FIELDS) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not legal profile fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    _checked(fields, errors)
    profile = profile_of(store)
    for name in PROFILE_FIELDS:
        if name in fields:
            setattr(profile, name, fields[name])
    try:
        profile.full_clean(exclude=["store"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise InvalidLegalProfile(fields=errors)
    store_changes = {name: fields[name] for name in STORE_FIELDS if name in fields}
    if store_changes:
        try:
            save_store(slug=store.slug, **store_changes)
        except ValidationError as error:
            raise InvalidLegalProfile(fields=error.message_dict) from error
        for name, value in store_changes.items():
            setattr(store, name, value)
    profile.save()
    return profile
