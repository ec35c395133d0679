"""The staff quote pages: the list (store's quotes only, filters, a fixed query budget), creating a quote for a
customer or a prospect, editing a draft's lines and details, sending, withdrawing, duplicating, the PDF and
the history in words; bad input is a 400 that changes nothing."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from ashopy.sales import quote_services
from ashopy.sales.quote_models import Quote, QuoteEvent, QuoteLine
from ashopy.sales.services import local_today
from tests import factories

from .conftest import browser

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("both_store_hosts")]

LIST = reverse("staff_quotes:quote_list")


def detail(quote) -> str:
    return reverse("staff_quotes:quote_detail", args=[quote.pk])


def listed(client, **params) -> list[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [quote.pk for quote in response.context["page"].object_list]


def test_the_list_shows_the_stores_quotes_drafts_first(store, other_store, seller, customer, draft, sent,
                                                       other_manager, complete):
    newer = quote_services.create_quote(store=store, user=seller, prospect_email="prospect@example.com",
                                        prospect_company="Sonatel")
    elsewhere = quote_services.create_quote(store=other_store, user=other_manager, prospect_email="p@paris.fr",
                                            prospect_company="Maison Paris")
    client = browser(seller)
    assert listed(client) == [newer.pk, sent.pk]  # the draft fixture was sent: one draft, then the sent one
    page = client.get(LIST).content.decode()
    assert sent.number in page and "Sonatel" in page and "Draft quote" in page
    assert elsewhere.pk not in listed(client) and "Maison Paris" not in page


def test_filters_by_state_dates_customer_request_and_search(store, seller, customer, sent, complete, variant):
    prospect = quote_services.create_quote(store=store, user=seller, prospect_email="awa@sonatel.sn",
                                           prospect_name="Fatou Ndiaye")
    client = browser(seller)
    assert listed(client, state="sent") == [sent.pk]
    assert listed(client, state="draft") == [prospect.pk]
    assert listed(client, customer=customer.pk) == [sent.pk]
    assert listed(client, q="fatou ndiaye") == [prospect.pk]
    assert listed(client, q=sent.number) == [sent.pk]
    today = local_today(store)
    assert set(listed(client, date_from=today.isoformat(), date_to=today.isoformat())) == {sent.pk, prospect.pk}
    assert listed(client, date_from=(today + timedelta(days=1)).isoformat()) == []
    assert listed(client, requested="on") == []
    QuoteEvent.objects.create(quote=prospect, code="requested", data={"source": "cart"})
    assert listed(client, requested="on") == [prospect.pk]
    assert "Asked by the customer" in client.get(LIST).content.decode()


def test_bad_filters_are_ignored_with_a_warning_never_a_500(seller, draft):
    client = browser(seller)
    for params in ({"date_from": "2026-13-45"}, {"state": "paid"}, {"customer": "-3"}, {"customer": "x" * 50},
                   {"date_from": "2026-12-05", "date_to": "2026-01-01"}, {"page": "-1"}, {"q": "x" * 1000}):
        response = client.get(LIST, params)
        assert response.status_code == 200, params


def test_the_list_costs_the_same_queries_for_3_or_30_quotes(store, seller, customer, complete,
                                                           django_assert_max_num_queries):
    def quotes(count):
        for index in range(count):
            if index % 2:
                quote_services.create_quote(store=store, user=seller, customer=customer)
            else:
                quote_services.create_quote(store=store, user=seller, prospect_email=f"p{index}@example.com")

    client = browser(seller)
    quotes(3)
    client.get(LIST)  # warm the per-process caches (store, roles, menu)
    with django_assert_max_num_queries(12) as few:
        assert client.get(LIST).status_code == 200
    quotes(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 25


def test_a_quote_for_a_found_customer_then_for_a_prospect(store, seller, customer, complete):
    customer.first_name, customer.last_name = "Moussa", "Sarr"
    customer.save()
    client = browser(seller)
    new = reverse("staff_quotes:quote_create")
    page = client.get(new, {"q": "sarr"})
    assert page.status_code == 200 and [c.pk for c in page.context["customers"]] == [customer.pk]
    response = client.post(new, {"customer": customer.pk})
    quote = Quote.objects.get(customer=customer)
    assert response.status_code == 302 and response["Location"] == detail(quote)
    assert quote.is_draft and quote.valid_until == local_today(store) + timedelta(days=30)
    response = client.post(new, {"prospect_name": "Awa Diop", "prospect_company": "Sonatel",
                                 "prospect_email": "awa@sonatel.sn"})
    prospect = Quote.objects.get(prospect_email="awa@sonatel.sn")
    assert response["Location"] == detail(prospect) and prospect.prospect_company == "Sonatel"


def test_creating_with_bad_input_is_a_400_or_404_and_makes_nothing(seller, customer, other_store, complete):
    elsewhere = factories.UserFactory(email="paris@example.com", registered_store=other_store)
    client = browser(seller)
    new = reverse("staff_quotes:quote_create")
    assert client.post(new, {"prospect_email": "not an e-mail"}).status_code == 400
    assert client.post(new, {"prospect_email": "a@b.sn", "prospect_name": "x" * 500}).status_code == 400
    for customer_id in (elsewhere.pk, "abc", "-1", "99999999999999"):
        assert client.post(new, {"customer": customer_id}).status_code == 404, customer_id
    assert not Quote.objects.exists()


def test_a_draft_is_written_on_its_page_catalogue_and_free_lines_prices_with_a_reason(
        store, seller, draft, variant):
    client = browser(seller)
    page = client.get(detail(draft), {"find": "thinkpad"})
    assert page.status_code == 200
    [row] = page.context["found"]
    catalogue_price, _rate = quote_services.policy_price(draft, variant)  # excl. tax: 50 000 incl. 18 %
    assert row["variant"] == variant and row["price"] == catalogue_price == Decimal(42373)
    assert 'data-testid="policy-price"' in page.content.decode()
    add = reverse("staff_quotes:add_catalogue_line", args=[draft.pk])
    prefix = f"add-{variant.pk}"
    refused = client.post(add, {"variant_id": variant.pk, f"{prefix}-variant": variant.pk, f"{prefix}-quantity": 1,
                                f"{prefix}-unit_price": "40000"})
    assert refused.status_code == 400 and draft.lines.count() == 1  # another price needs a reason
    response = client.post(add, {"variant_id": variant.pk, f"{prefix}-variant": variant.pk,
                                 f"{prefix}-quantity": 1, f"{prefix}-unit_price": "40 000",
                                 f"{prefix}-reason": "Remise fidélité", f"{prefix}-optional": "on"})
    assert response.status_code == 302
    option = draft.lines.get(optional=True)
    assert option.unit_price == Decimal(40000) and option.policy_price == catalogue_price
    assert option.price_reason == "Remise fidélité"
    response = client.post(reverse("staff_quotes:add_free_line", args=[draft.pk]), {
        "free-description": "Installation sur site", "free-quantity": 1, "free-unit_price": "15000",
        "free-tax_rate": "18"})
    assert response.status_code == 302
    free = draft.lines.get(description="Installation sur site")
    assert free.net == Decimal(15000) and free.tax == Decimal(2700)
    draft = Quote.objects.get(pk=draft.pk)
    assert draft.total_net == 2 * catalogue_price + 15000  # the option is not counted until chosen
    html = client.get(detail(draft)).content.decode()
    assert "Catalogue price" in html and "Remise fidélité" in html and "Optional" in html


def test_lines_change_and_go_and_bad_input_changes_nothing(seller, draft, other_store, other_manager):
    client = browser(seller)
    line = draft.lines.get()
    change = reverse("staff_quotes:update_line", args=[draft.pk, line.pk])
    for bad in ({"quantity": "0"}, {"quantity": "-2"}, {"quantity": "10000000000"}, {"quantity": "deux"},
                {"unit_price": "-5"}, {"unit_price": "12.5"}, {"unit_price": "1e30"}):
        data = {f"line-{line.pk}-quantity": "3", f"line-{line.pk}-unit_price": str(line.unit_price)}
        data.update({f"line-{line.pk}-{name}": value for name, value in bad.items()})
        assert client.post(change, data).status_code == 400, bad
    line.refresh_from_db()
    assert line.quantity == 2
    price = str(line.unit_price)
    response = client.post(change, {f"line-{line.pk}-quantity": "3", f"line-{line.pk}-unit_price": price})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.quantity == 3
    other = quote_services.create_quote(store=other_store, user=other_manager, prospect_email="p@paris.fr")
    other_line = quote_services.add_free_line(quote=other, user=other_manager, description="Conseil", quantity=1,
                                              unit_price=Decimal(100))
    assert client.post(reverse("staff_quotes:update_line", args=[draft.pk, other_line.pk]), {}).status_code == 404
    assert client.post(reverse("staff_quotes:remove_line", args=[draft.pk, other_line.pk])).status_code == 404
    assert client.post(reverse("staff_quotes:remove_line", args=[draft.pk, line.pk])).status_code == 302
    assert not QuoteLine.objects.filter(quote=draft).exists() and QuoteLine.objects.filter(pk=other_line.pk).exists()


def test_details_validity_deposit_notes_and_terms(store, seller, draft):
    client = browser(seller)
    url = reverse("staff_quotes:update_details", args=[draft.pk])
    later = local_today(store) + timedelta(days=10)
    base = {"details-valid_until": later.isoformat(), "details-notes": "Livraison sous 8 jours",
            "details-terms": "Paiement à 30 jours"}
    assert client.post(url, {**base, "details-deposit_percent": "30", "details-deposit_amount": "1000"}
                       ).status_code == 400
    assert client.post(url, {**base, "details-valid_until": "2020-01-01"}).status_code == 400
    assert client.post(url, {**base, "details-deposit_percent": "150"}).status_code == 400
    draft = Quote.objects.get(pk=draft.pk)
    assert draft.notes == "" and draft.deposit_percent is None
    assert client.post(url, {**base, "details-deposit_percent": "30"}).status_code == 302
    draft = Quote.objects.get(pk=draft.pk)
    assert (draft.valid_until, draft.deposit_percent, draft.notes) == (later, Decimal(30), "Livraison sous 8 jours")


def test_send_shows_the_customers_link_then_withdraw_duplicate_pdf_and_history(seller, draft, customer):
    client = browser(seller)
    response = client.post(reverse("staff_quotes:send", args=[draft.pk]), follow=True)
    draft = Quote.objects.get(pk=draft.pk)
    assert draft.state == "sent" and draft.number.startswith("DEV-")
    html = response.content.decode()
    assert quote_services.customer_url(draft) in html and 'data-testid="customer-link"' in html
    assert [message.to for message in mail.outbox] == [[customer.email]]
    pdf = client.get(reverse("staff_quotes:quote_pdf", args=[draft.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    response = client.post(reverse("staff_quotes:duplicate", args=[draft.pk]))
    copy = Quote.objects.exclude(pk=draft.pk).get()
    assert response["Location"] == detail(copy) and copy.is_draft and copy.lines.count() == 1
    response = client.post(reverse("staff_quotes:withdraw", args=[draft.pk]), {"withdraw-reason": "Prix revus"})
    draft = Quote.objects.get(pk=draft.pk)
    assert draft.state == "withdrawn"
    history = client.get(detail(draft)).content.decode()
    for sentence in ("Draft made.", "Line added: ", f"Sent with the number {draft.number}.",
                     "Withdrawn by the store: Prix revus.", "Copied into a new draft."):
        assert sentence in history, sentence
    events = re.search(r'data-testid="history">(.*?)</ol>', history, re.S).group(1)
    assert not re.search(r"\b(line_added|withdrawn|duplicated|sent)\b", events)


def test_a_sent_quote_is_not_sent_again_nor_edited(seller, sent):
    client = browser(seller)
    response = client.post(reverse("staff_quotes:send", args=[sent.pk]), follow=True)
    assert "has been sent" in response.content.decode()
    line = sent.lines.get()
    assert client.post(reverse("staff_quotes:update_line", args=[sent.pk, line.pk]), {
        f"line-{line.pk}-quantity": "9", f"line-{line.pk}-unit_price": "50000"}).status_code == 400
    line.refresh_from_db()
    assert line.quantity == 2


def test_sending_an_empty_draft_says_why(store, seller, complete):
    quote = quote_services.create_quote(store=store, user=seller, prospect_email="p@example.com")
    response = browser(seller).post(reverse("staff_quotes:send", args=[quote.pk]), follow=True)
    assert "Add at least one line" in response.content.decode()
    quote = Quote.objects.get(pk=quote.pk)
    assert quote.is_draft and quote.number is None


def test_the_french_page_reads_in_french_without_codes(seller, sent):
    html = browser(seller, language="fr").get(detail(sent)).content.decode()
    assert "Historique" in html and "Devis" in html
    assert "line_added" not in html and "Draft made" not in html


def test_an_accepted_quote_shows_its_acceptance_and_its_order(seller, sent):
    from ashopy.sales import quote_acceptance

    quote_acceptance.accept_quote(quote=sent, name="Awa Ndiaye", accepted_terms=True, ip="196.1.95.10")
    quote = Quote.objects.get(pk=sent.pk)
    html = browser(seller).get(detail(quote)).content.decode()
    acceptance = re.search(r'data-testid="acceptance">(.*?)</dl>', html, re.S).group(1)
    assert "Awa Ndiaye" in acceptance and "196.1.95.10" in acceptance and quote.acceptance.pdf_sha256 in acceptance
    assert f'href="{reverse("staff_orders:order_detail", args=[quote.order.number])}"' in html
    assert "Accepted online by the customer." in html and "Turned into an order." in html
    assert 'data-testid="send"' not in html and 'data-testid="withdraw"' not in html


def test_the_deposit_received_by_transfer_is_recorded_on_the_order(seller, draft):
    from ashopy.payments.models import Payment
    from ashopy.sales import quote_acceptance

    quote_services.update_quote(quote=draft, user=seller, deposit_percent=Decimal(30))
    sent = quote_services.send_quote(quote=draft, user=seller)
    quote_acceptance.accept_quote(quote=sent, name="Awa Ndiaye", accepted_terms=True)
    quote = Quote.objects.get(pk=sent.pk)
    client = browser(seller)
    page = client.get(detail(quote))
    assert 'data-testid="record-deposit"' in page.content.decode() and page.context["due_kind"] == "deposit"
    url = reverse("staff_quotes:record_deposit", args=[quote.pk])
    for amount, method in (("0", "cash"), ("-5", "cash"), ("10.5", "cash"), ("1000", "wave"), ("x" * 40, "cash")):
        response = client.post(url, {"deposit-amount": amount, "deposit-method": method})
        assert response.status_code == 400, (amount, method)
    assert not Payment.objects.filter(order=quote.order, status=Payment.Status.SUCCEEDED).exists()
    deposit = page.context["due"]
    response = client.post(url, {"deposit-amount": str(deposit), "deposit-method": "bank_transfer"})
    assert response.status_code == 302
    [payment] = Payment.objects.filter(order=quote.order, status=Payment.Status.SUCCEEDED)
    assert payment.amount == deposit
    assert client.get(detail(quote)).context["due_kind"] == "balance"
