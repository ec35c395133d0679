"""What an invoice must say before it may be issued, by the seller's country.

`missing_mentions` lists, in words a merchant understands, what to fill in; issuing refuses an
invoice while the list is not empty. France: CGI art. 242 nonies A and Code de commerce L441-9
(identity and registration of the seller, VAT number unless exempt, buyer's name and address,
payment terms, late-payment penalties and the €40 recovery indemnity between businesses).
Senegal: NINEA and RCCM of the seller (Code général des impôts, art. 383 and following).
"""

from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat
from stdnum.fr import siren, siret, tva
from stdnum.sn import ninea

FRANCE, SENEGAL = "FR", "SN"


def _valid(module, value: str) -> bool:
    return bool(value) and bool(module.is_valid(value))


def missing_mentions(*, seller: dict, buyer: dict, lines: int) -> list[str]:
    """What is missing or wrong for an invoice with these snapshots and this many lines."""
    missing = []
    country = seller.get("country", "")
    if not seller.get("name"):
        missing.append(_("the seller's legal name"))
    if not seller.get("address") or not seller.get("city"):
        missing.append(_("the seller's address and city"))
    if country == FRANCE:
        if not seller.get("postal_code"):
            missing.append(_("the seller's postal code"))
        if not seller.get("legal_form"):
            missing.append(_("the seller's legal form (SAS, SARL, EI…)"))
        if not _valid(siren, seller.get("siren", "")):
            missing.append(_("a valid SIREN for the seller"))
        if seller.get("siret") and not _valid(siret, seller["siret"]):
            missing.append(_("a valid SIRET for the seller (or none)"))
        if not seller.get("vat_exempt") and not _valid(tva, seller.get("vat_number", "")):
            missing.append(_("the seller's VAT number (FR…), unless the store is VAT-exempt"))
    elif country == SENEGAL:
        if not _valid(ninea, seller.get("ninea", "")):
            missing.append(_("a valid NINEA for the seller"))
        if not seller.get("rccm"):
            missing.append(_("the seller's RCCM number"))
    if not (buyer.get("name") or buyer.get("company")):
        missing.append(_("the buyer's name"))
    if not buyer.get("line1") or not buyer.get("city"):
        missing.append(_("the buyer's address"))
    if buyer.get("siren") and not _valid(siren, buyer["siren"]):
        missing.append(_("a valid SIREN for the buyer (or none)"))
    if buyer.get("vat_number") and not _valid(vat, buyer["vat_number"]):
        missing.append(_("a valid VAT number for the buyer (or none)"))
    if not lines:
        missing.append(_("at least one line"))
    return missing
