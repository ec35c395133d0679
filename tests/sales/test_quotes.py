"""Quotes on the store's side: drafts priced by the purchase policy, sending (number, frozen details, PDF,
e-mail with the link), withdrawing (a draft too), copying, expiring, and what is refused."""

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from ashopy.core.errors import PermissionDenied
from ashopy.sales import quote_selectors, quote_services, staff_quotes
from ashopy.sales.errors import (
    InvalidDeposit,
    InvalidQuoteLine,
    InvalidValidity,
    PriceReasonRequired,
    QuoteEmpty,
    QuoteNoRecipient,
    QuoteNotEditable,
    QuoteStateError,
)
from ashopy.sales.models import Quote, QuoteEvent, QuoteLine, SellerProfile
from tests import factories


@pytest.fixture
def variant(store):
    return factories.product(store, price="59000", stock=10).variants.get()


@pytest.fixture
def lot(store):
    product = factories.product(store, "Villa Almadies", kind="real_estate_lot", stock=1, price="90000000",
                                surface_m2=Decimal("240"), rooms=5, floor=0, programme="Almadies Résidence")
    return product.variants.get()


@pytest.fixture
def draft(store, seller, customer):
    return quote_services.create_quote(store=store, user=seller, customer=customer, notes="Livraison sous 15 jours",
                                       terms="Paiement à 30 jours")


def codes(quote):
    return list(QuoteEvent.objects.filter(quote=quote).order_by("id").values_list("code", flat=True))


def test_a_draft_has_no_number_and_is_valid_for_the_store_s_usual_time(store, draft, seller):
    assert draft.state == Quote.State.DRAFT and draft.number is None
    assert draft.valid_until == quote_services.local_today(store) + timedelta(days=30)
    assert draft.currency == "XOF" and draft.created_by == seller
    assert codes(draft) == ["created"]
    assert len(draft.token) >= 40


def test_the_store_s_validity_setting_is_the_default(store, seller, customer):
    SellerProfile.objects.update_or_create(store=store, defaults={"quote_validity_days": 10})
    quote = quote_services.create_quote(store=store, user=seller, customer=customer)
    assert quote.valid_until == quote_services.local_today(store) + timedelta(days=10)


def test_a_catalogue_line_is_priced_by_the_purchase_policy_excl_tax(draft, seller, variant):
    line = quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=2)
    # 59 000 F CFA incl. 18 % VAT: 50 000 excl. tax.
    assert (line.unit_price, line.policy_price, line.tax_rate) == (Decimal(50000), Decimal(50000), Decimal(18))
    assert (line.net, line.tax) == (Decimal(100000), Decimal(18000))
    assert line.description == variant.product.name and line.sku == variant.sku
    draft = Quote.objects.get(pk=draft.pk)
    assert (draft.total_net, draft.total_tax, draft.total) == (Decimal(100000), Decimal(18000), Decimal(118000))


def test_the_customer_s_discount_is_in_the_policy_price(store, seller, customer, variant):
    factories.segment_discount(store, "professionnel", 10)
    customer.segment = "professionnel"
    customer.save()
    quote = quote_services.create_quote(store=store, user=seller, customer=customer)
    line = quote_services.add_catalogue_line(quote=quote, user=seller, variant=variant, quantity=1)
    assert line.policy_price == line.unit_price < Decimal(50000)


def test_another_price_needs_a_reason(draft, seller, variant):
    with pytest.raises(PriceReasonRequired) as refused:
        quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=1, unit_price="45000")
    assert "50,000" in str(refused.value) or "50 000" in str(refused.value)
    assert not draft.lines.exists()
    line = quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=1,
                                             unit_price="45000", reason="Remise volume négociée")
    assert line.unit_price == Decimal(45000) and line.policy_price == Decimal(50000)
    with pytest.raises(PriceReasonRequired):
        quote_services.update_line(line=line, user=seller, unit_price="44000", reason="")
    line.refresh_from_db()
    assert line.unit_price == Decimal(45000)
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        QuoteLine.objects.filter(pk=line.pk).update(price_reason="")


def test_free_and_optional_lines_and_stored_totals_equal_their_recomputation(draft, seller, variant):
    quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=1)
    quote_services.add_free_line(quote=draft, user=seller, description="Installation sur site", quantity=3,
                                 unit_price="15000", tax_rate="18")
    option = quote_services.add_free_line(quote=draft, user=seller, description="Extension de garantie 3 ans",
                                          quantity=1, unit_price="25000", optional=True)
    assert option.optional and not option.chosen and option.tax_rate == Decimal(18)
    draft = Quote.objects.get(pk=draft.pk)
    assert draft.total_net == Decimal(95000) and draft.total == Decimal(112100)
    assert draft.recomputed_totals() == {"total_net": draft.total_net, "total_tax": draft.total_tax,
                                         "total": draft.total}
    with_option = quote_selectors.totals_with(draft, {option.pk})
    assert with_option["total_net"] == Decimal(120000) and with_option["total"] == Decimal(141600)


def test_lines_can_change_and_go_while_a_draft(draft, seller, variant):
    line = quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=1)
    quote_services.update_line(line=line, user=seller, quantity=4)
    draft = Quote.objects.get(pk=draft.pk)
    assert draft.total_net == Decimal(200000)
    quote_services.remove_line(line=line, user=seller)
    draft = Quote.objects.get(pk=draft.pk)
    assert draft.total == 0 and not draft.lines.exists()
    assert codes(draft) == ["created", "line_added", "line_changed", "line_removed"]


@pytest.mark.parametrize("quantity", [0, -1, "abc", None, 10**9, 2.5, True])
def test_a_bad_quantity_is_refused_and_nothing_changes(draft, seller, variant, quantity):
    with pytest.raises(InvalidQuoteLine):
        quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=quantity)
    assert not draft.lines.exists()


@pytest.mark.parametrize("price", ["-1", "abc", "NaN", "Infinity", "12.5", "1e20", ""])
def test_a_bad_free_price_is_refused(draft, seller, price):
    with pytest.raises(InvalidQuoteLine):
        quote_services.add_free_line(quote=draft, user=seller, description="Conseil", quantity=1, unit_price=price)
    assert not draft.lines.exists()


def test_bad_free_lines_are_refused(draft, seller):
    for fields in ({"description": "", "unit_price": "100"}, {"description": "x" * 300, "unit_price": "100"},
                   {"description": "Conseil", "unit_price": "100", "tax_rate": "150"},
                   {"description": "Conseil", "unit_price": "100", "tax_rate": "-5"}):
        with pytest.raises(InvalidQuoteLine):
            quote_services.add_free_line(quote=draft, user=seller, quantity=1, **fields)
    assert not draft.lines.exists()


def test_another_store_s_variant_or_an_unknown_one_is_refused(draft, seller, other_store):
    foreign = factories.product(other_store, price="100").variants.get()
    for variant in (foreign, 999999, "1; DROP TABLE"):
        with pytest.raises(InvalidQuoteLine):
            quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=1)


def test_a_lot_is_quoted_once(draft, seller, lot):
    with pytest.raises(InvalidQuoteLine):
        quote_services.add_catalogue_line(quote=draft, user=seller, variant=lot, quantity=2)
    line = quote_services.add_catalogue_line(quote=draft, user=seller, variant=lot, quantity=1)
    assert line.quantity == 1


def test_recipient_and_deposit_are_checked(store, seller, customer, other_store):
    with pytest.raises(QuoteNoRecipient):
        quote_services.create_quote(store=store, user=seller)
    with pytest.raises(QuoteNoRecipient):
        quote_services.create_quote(store=store, user=seller, prospect_email="not-an-address")
    stranger = factories.UserFactory(email="ailleurs@example.com", registered_store=other_store)
    with pytest.raises(QuoteNoRecipient):
        quote_services.create_quote(store=store, user=seller, customer=stranger)
    for deposit in ({"deposit_percent": "30", "deposit_amount": "1000"}, {"deposit_percent": "0"},
                    {"deposit_percent": "101"}, {"deposit_amount": "-5"}, {"deposit_amount": "10.5"},
                    {"deposit_percent": "abc"}):
        with pytest.raises(InvalidDeposit):
            quote_services.create_quote(store=store, user=seller, customer=customer, **deposit)
    with pytest.raises(InvalidValidity):
        quote_services.create_quote(store=store, user=seller, customer=customer,
                                    valid_until=quote_services.local_today(store) - timedelta(days=1))
    with pytest.raises(InvalidValidity):
        quote_services.create_quote(store=store, user=seller, customer=customer, valid_until="31/12/2026")
    assert not Quote.objects.exists()
    prospect = quote_services.create_quote(store=store, user=seller, prospect_name="Moussa Sow",
                                           prospect_company="Sow BTP", prospect_email="moussa@sowbtp.example",
                                           deposit_percent="30")
    assert prospect.customer is None and prospect.deposit_percent == Decimal(30)


def test_only_the_store_s_sales_staff_write_quotes(store, customer, other_manager, draft, variant):
    for user in (customer, other_manager):
        with pytest.raises(PermissionDenied):
            quote_services.create_quote(store=store, user=user, prospect_email="x@example.com")
        with pytest.raises(PermissionDenied):
            quote_services.add_free_line(quote=draft, user=user, description="x", quantity=1, unit_price="1")
        with pytest.raises(PermissionDenied):
            quote_services.send_quote(quote=draft, user=user)
    assert not draft.lines.exists()


def test_update_quote_changes_a_draft_only(draft, seller, customer):
    updated = quote_services.update_quote(quote=draft, user=seller, notes="Autre note", deposit_amount="20000")
    assert updated.notes == "Autre note" and updated.deposit_amount == Decimal(20000)
    updated = quote_services.update_quote(quote=draft, user=seller, deposit_percent="25")
    assert updated.deposit_percent == Decimal(25) and updated.deposit_amount is None
    with pytest.raises(TypeError):
        quote_services.update_quote(quote=draft, user=seller, state="sent")


def test_sending_numbers_freezes_renders_and_mails(store, draft, seller, variant, mailoutbox):
    quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=1)
    sent = quote_services.send_quote(quote=draft, user=seller)
    year = quote_services.local_today(store).year
    assert sent.state == Quote.State.SENT and sent.number == f"DEV-{year}-000001" and sent.sent_at
    assert sent.seller["name"] == store.legal_name and sent.buyer["email"] == "client@example.com"
    with sent.pdf.open("rb") as stored:
        content = stored.read()
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == sent.pdf_sha256
    [mail] = mailoutbox
    assert mail.to == ["client@example.com"] and sent.number in mail.subject
    assert f"/quote/{sent.token}/" in mail.body and sent.number not in sent.token
    assert mail.attachments[0][0] == f"{sent.number}.pdf" and mail.attachments[0][1] == content
    assert codes(sent) == ["created", "line_added", "sent", "emailed"]
    event = QuoteEvent.objects.get(quote=sent, code="sent")
    assert (event.from_state, event.to_state, event.user) == ("draft", "sent", seller)
    # The store's details change later: the sent quote keeps what it said.
    store.legal_name = "Nouveau Nom SARL"
    store.save()
    sent = Quote.objects.get(pk=sent.pk)
    assert sent.seller["name"] != "Nouveau Nom SARL"
    assert quote_services.ensure_pdf(sent).pdf_sha256 == hashlib.sha256(content).hexdigest()


def test_a_french_store_s_quote_reads_in_french(seller):
    store = factories.StoreFactory(slug="lyon", currency="EUR", country="FR", timezone="Europe/Paris",
                                   prices_include_tax=False)
    staff = factories.staff(store, "vendeur", email="vendeur@lyon.example")
    quote = quote_services.create_quote(store=store, user=staff, prospect_email="achat@client.example",
                                        prospect_company="Client SAS", deposit_percent="30")
    quote_services.add_free_line(quote=quote, user=staff, description="Audit", quantity=2, unit_price="450.50")
    from ashopy.sales import quote_documents

    context = quote_documents.page(quote)
    with translation.override("fr"):
        context = quote_documents.page(quote)
    assert [str(label) for label, _amount, _strong in context["totals"]][:3] == [
        "Total HT", "TVA", "Total TTC"]
    assert context["totals"][2][1] == "1\u202f081,20\u00a0€"
    assert context["deposit_label"] == "30\u00a0% du total, à l’acceptation"


def test_an_empty_or_past_quote_is_not_sent(store, draft, seller, variant):
    with pytest.raises(QuoteEmpty):
        quote_services.send_quote(quote=draft, user=seller)
    quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=1)
    Quote.objects.filter(pk=draft.pk).update(valid_until=quote_services.local_today(store) - timedelta(days=1))
    with pytest.raises(InvalidValidity):
        quote_services.send_quote(quote=draft, user=seller)
    Quote.objects.filter(pk=draft.pk).update(valid_until=quote_services.local_today(store),
                                             deposit_amount=Decimal(10**6))
    with pytest.raises(InvalidDeposit):
        quote_services.send_quote(quote=draft, user=seller)
    draft = Quote.objects.get(pk=draft.pk)
    assert draft.number is None and draft.state == Quote.State.DRAFT


def test_a_sent_quote_no_longer_changes(draft, seller, variant, mailoutbox):
    line = quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=1)
    quote_services.send_quote(quote=draft, user=seller)
    for change in (lambda: quote_services.add_free_line(quote=draft, user=seller, description="x", quantity=1,
                                                        unit_price="1"),
                   lambda: quote_services.update_line(line=line, user=seller, quantity=3),
                   lambda: quote_services.remove_line(line=line, user=seller),
                   lambda: quote_services.update_quote(quote=draft, user=seller, notes="x")):
        with pytest.raises(QuoteNotEditable) as refused:
            change()
        assert refused.value.status == 409
        assert str(refused.value) == "This quote has been sent: it can no longer be changed."
    with pytest.raises(QuoteStateError):
        quote_services.send_quote(quote=draft, user=seller)
    assert len(mailoutbox) == 1


def test_withdrawing_a_draft_leaves_it_without_a_number(draft, seller):
    withdrawn = quote_services.withdraw_quote(quote=draft, user=seller, reason="Client injoignable")
    withdrawn = Quote.objects.get(pk=withdrawn.pk)
    assert withdrawn.state == Quote.State.WITHDRAWN and withdrawn.number is None and withdrawn.sent_at is None
    assert codes(withdrawn) == ["created", "withdrawn"]
    with pytest.raises(QuoteStateError) as refused:
        quote_services.withdraw_quote(quote=draft, user=seller)
    assert str(refused.value) == "This quote has been withdrawn by the store."
    with translation.override("fr"):
        assert str(QuoteStateError(withdrawn)) == "Ce devis a été retiré par la boutique."


def test_withdrawing_a_sent_quote_keeps_its_number(draft, seller, variant, mailoutbox):
    quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=1)
    sent = quote_services.send_quote(quote=draft, user=seller)
    withdrawn = quote_services.withdraw_quote(quote=sent, user=seller)
    assert withdrawn.state == Quote.State.WITHDRAWN and withdrawn.number == sent.number


def test_the_database_refuses_a_sent_quote_without_a_number(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.filter(pk=draft.pk).update(state="sent")
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.filter(pk=draft.pk).update(state="withdrawn", number="DEV-1")


def test_a_copy_is_a_new_draft_with_the_same_lines(draft, seller, variant, mailoutbox):
    quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=2)
    quote_services.add_free_line(quote=draft, user=seller, description="Option", quantity=1, unit_price="100",
                                 optional=True)
    sent = quote_services.send_quote(quote=draft, user=seller)
    copy = quote_services.duplicate_quote(quote=sent, user=seller)
    assert copy.pk != sent.pk and copy.state == Quote.State.DRAFT and copy.number is None
    assert [(line.description, line.quantity, line.optional) for line in copy.lines.all()] == [
        (line.description, line.quantity, line.optional) for line in sent.lines.all()]
    assert copy.total == sent.total and copy.token != sent.token
    assert "duplicated" in codes(sent)


def test_sent_quotes_past_their_date_expire(store, seller, customer, variant, mailoutbox):
    quotes = []
    for _ in range(2):
        quote = quote_services.create_quote(store=store, user=seller, customer=customer)
        quote_services.add_catalogue_line(quote=quote, user=seller, variant=variant, quantity=1)
        quotes.append(quote_services.send_quote(quote=quote, user=seller))
    draft = quote_services.create_quote(store=store, user=seller, customer=customer)
    valid_until = quotes[0].valid_until
    assert quote_services.expire_due(today=valid_until) == 0
    with time_machine.travel(timezone.now() + timedelta(days=31), tick=False):
        assert quote_services.expire_due() == 2
        assert quote_services.expire_due() == 0
    states = dict(Quote.objects.values_list("pk", "state"))
    assert [states[quote.pk] for quote in quotes] == ["expired", "expired"] and states[draft.pk] == "draft"
    assert QuoteEvent.objects.filter(code="expired", to_state="expired").count() == 2


def test_the_quote_number_format_is_validated():
    profile = SellerProfile(quote_format="DEVIS")
    with pytest.raises(ValidationError) as refused:
        profile.clean_fields(exclude=["store"])
    assert "quote_format" in refused.value.message_dict
    assert SellerProfile().quote_format == "DEV-{year}-{number:06d}"


def test_expiry_runs_daily_in_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["expire-quotes"]
    assert entry["task"] == "ashopy.sales.tasks.expire_quotes" and entry["schedule"] == 86400.0


def test_the_store_s_list_filters_by_state_and_words(store, draft, seller, customer):
    prospect = quote_services.create_quote(store=store, user=seller, prospect_name="Moussa Sow",
                                           prospect_email="moussa@sowbtp.example")
    quote_services.withdraw_quote(quote=prospect, user=seller)
    assert list(quote_selectors.for_store(store=store, state="draft")) == [draft]
    assert list(quote_selectors.for_store(store=store, search="moussa")) == [prospect]
    assert set(quote_selectors.for_store(store=store, state="nonsense")) == {draft, prospect}


def test_a_token_finds_a_sent_quote_only(draft, seller, variant, mailoutbox):
    from ashopy.sales.errors import QuoteNotFound

    with pytest.raises(QuoteNotFound):
        quote_selectors.by_token(draft.token)  # a draft has no page yet
    quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=1)
    sent = quote_services.send_quote(quote=draft, user=seller)
    assert quote_selectors.by_token(sent.token) == sent
    for token in ("", "x", sent.token[:-1] + "A" if sent.token[-1] != "A" else sent.token[:-1] + "B", "y" * 500):
        with pytest.raises(QuoteNotFound):
            quote_selectors.by_token(token)


class Rollback(Exception):
    pass


@pytest.mark.parametrize("currency", ["XOF", "EUR"])
def test_stored_totals_always_equal_their_recomputation(currency, seller):
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from hypothesis import strategies as st

    from ashopy.core.money import quantum, round_money

    store = factories.StoreFactory(slug=f"totals-{currency.lower()}", currency=currency,
                                   country="SN" if currency == "XOF" else "FR")
    staff = factories.staff(store, "vendeur", email=f"vendeur-{currency.lower()}@example.com")
    places = -quantum(currency).as_tuple().exponent
    line = st.tuples(st.integers(1, 50),
                     st.decimals(min_value=0, max_value=1_000_000, places=places, allow_nan=False,
                                 allow_infinity=False),
                     st.sampled_from(["0", "5.5", "10", "18", "20"]), st.booleans())

    @hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(line, min_size=1, max_size=6))
    def check(lines):
        try:
            with transaction.atomic():
                quote = quote_services.create_quote(store=store, user=staff, prospect_email="p@example.com")
                for quantity, price, rate, optional in lines:
                    quote_services.add_free_line(quote=quote, user=staff, description="Ligne", quantity=quantity,
                                                 unit_price=price, tax_rate=rate, optional=optional)
                quote = Quote.objects.get(pk=quote.pk)
                assert quote.recomputed_totals() == {"total_net": quote.total_net, "total_tax": quote.total_tax,
                                                     "total": quote.total}
                expected = sum((round_money(price * quantity, currency) for quantity, price, _r, optional in lines
                                if not optional), Decimal(0))
                assert quote.total_net == expected
                for amount in (quote.total_net, quote.total_tax, quote.total):
                    assert amount == amount.quantize(quantum(currency))
                raise Rollback
        except Rollback:
            pass

    check()



def test_every_event_reads_in_words(draft, seller, variant, mailoutbox):
    line = quote_services.add_catalogue_line(quote=draft, user=seller, variant=variant, quantity=1)
    quote_services.update_line(line=line, user=seller, quantity=2)
    quote_services.update_quote(quote=draft, user=seller, notes="x")
    quote_services.duplicate_quote(quote=draft, user=seller)
    sent = quote_services.send_quote(quote=draft, user=seller)
    quote_services.withdraw_quote(quote=sent, user=seller)
    with translation.override("fr"):
        labels = [staff_quotes.describe(event) for event in QuoteEvent.objects.filter(quote=draft).order_by("id")]
    assert labels == ["Brouillon créé.", "Ligne ajoutée\xa0: ThinkPad X1.", "Ligne modifiée\xa0: ThinkPad X1.",
                      "Informations modifiées.", "Copié dans un nouveau brouillon.",
                      "Envoyé sous le numéro DEV-2026-000001.", "Envoyé par e-mail.", "Retiré par la boutique."]
    assert all("_" not in label for label in labels)
