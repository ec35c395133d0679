"""Domain events: told only after the transaction commits, durable ones through the outbox, each delivered once."""

import pytest
from django.core import mail
from django.db import transaction

from ashopy.core import events
from ashopy.core.models import OutboxMessage
from ashopy.core.tasks import deliver_outbox
from ashopy.inventory import reservations
from ashopy.inventory.models import LowStockAlert, Stock
from ashopy.orders import services as orders
from ashopy.orders.models import Order
from ashopy.payments import services as payments
from tests import factories
from tests.orders.test_order_emails import place
from tests.threads import run_together

pytestmark = pytest.mark.django_db


@pytest.fixture
def variant(store):
    return factories.product(store, "ThinkPad X1", stock=10, price="10000").variants.get()


@pytest.fixture
def method(store):
    return factories.shipping_method(store, price="2000")


def messages(event, **payload):
    return [message for message in OutboxMessage.objects.filter(event=event)
            if all(message.payload.get(key) == value for key, value in payload.items())]


def test_every_event_name_is_declared_and_consumers_are_registered():
    assert {"order_placed", "order_paid", "order_cancelled", "order_shipped", "order_delivered", "order_expired",
            "payment_refunded", "stock_low", "purchase_order_received"} <= events.EVENTS
    with pytest.raises(ValueError, match="unknown event"):
        events.publish("order_payed", order_id=1)
    names = {consumer.name for consumer in events.consumers_of("order_confirmed")}
    assert "orders.email.confirmation" in names
    assert "inventory.email.low_stock" in {consumer.name for consumer in events.consumers_of("stock_low")}


def test_a_rolled_back_transaction_publishes_nothing(store, variant, method, mailoutbox,
                                                     django_capture_on_commit_callbacks):
    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Abort), transaction.atomic():
        place(store, variant, method, payment_method="cash_on_delivery")
        assert OutboxMessage.objects.filter(event="order_confirmed").exists()
        raise Abort
    assert callbacks == [] and not OutboxMessage.objects.exists() and mailoutbox == []
    assert not Order.objects.exists()


PAID_CONSUMERS = ["orders.codes.confirm", "orders.email.payment_received", "sales.invoice.issue"]


def test_an_offline_order_marked_paid_by_staff_publishes_order_paid_once(store, variant, method, manager, mailoutbox,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(store, variant, method, payment_method="cash_on_delivery")
    assert order.state == Order.State.AWAITING_PAYMENT
    assert len(messages("order_confirmed", order_id=order.pk)) == 1 and messages("order_paid") == []
    with django_capture_on_commit_callbacks(execute=True):
        payments.mark_paid_by_hand(order=order, user=manager)
    with django_capture_on_commit_callbacks(execute=True):
        orders.mark_paid(order=order, user=manager)  # a second click changes nothing
    paid_rows = messages("order_paid", order_id=order.pk)  # one row per durable consumer, each once
    assert sorted(m.consumer for m in paid_rows) == PAID_CONSUMERS
    paid = paid_rows[0]
    assert paid.payload["from_state"] == Order.State.AWAITING_PAYMENT and all(m.delivered_at for m in paid_rows)
    assert [message.subject for message in mailoutbox].count(mailoutbox[-1].subject) == 1
    assert len(mailoutbox) == 2  # the confirmation when placed, the payment received when paid


def test_an_online_payment_publishes_paid_and_confirmed_in_one_change(store, variant, method,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(store, variant, method, paid=True)
    assert order.state == Order.State.PAID
    assert len(messages("order_placed", order_id=order.pk)) == 0  # no durable consumer: no row
    paid_rows = messages("order_paid", order_id=order.pk)
    assert sorted(m.consumer for m in paid_rows) == PAID_CONSUMERS
    [confirmed] = messages("order_confirmed", order_id=order.pk)
    assert all(m.payload["from_state"] == Order.State.PENDING_PAYMENT and m.delivered_at for m in paid_rows)
    assert confirmed.delivered_at


def test_a_message_delivered_twice_sends_one_email(store, variant, method, mailoutbox,
                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        order = place(store, variant, method, payment_method="cash_on_delivery")
    [message] = messages("order_confirmed", order_id=order.pk)
    assert mailoutbox == []
    assert events.deliver(message.pk) is True
    assert events.deliver(message.pk) is False
    assert deliver_outbox() == 0
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["awa@example.com"]


def test_a_failing_consumer_keeps_its_message_for_the_next_round(store, variant, method, mailoutbox, settings,
                                                                 django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.core.test_events.BrokenMailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        order = place(store, variant, method, payment_method="cash_on_delivery")
    [message] = messages("order_confirmed", order_id=order.pk)
    assert message.delivered_at is None and message.attempts == 1 and "mail server down" in message.last_error
    assert Order.objects.get(pk=order.pk).state == Order.State.AWAITING_PAYMENT  # the order stands
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_outbox() == 1
    message.refresh_from_db()
    assert message.delivered_at is not None and message.attempts == 2 and len(mail.outbox) == 1


def test_gives_up_after_max_attempts(store, variant, method, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.core.test_events.BrokenMailBackend"
    with django_capture_on_commit_callbacks(execute=False):
        order = place(store, variant, method, payment_method="cash_on_delivery")
    [message] = messages("order_confirmed", order_id=order.pk)
    for _ in range(events.MAX_ATTEMPTS + 2):
        events.deliver(message.pk)
    message.refresh_from_db()
    assert message.attempts == events.MAX_ATTEMPTS and message.delivered_at is None


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_one_message_send_one_email(store, variant, method, mailoutbox):
    order = place(store, variant, method, payment_method="cash_on_delivery")
    OutboxMessage.objects.update(delivered_at=None, attempts=0)  # as if the after-commit delivery was lost
    mailoutbox.clear()
    [message] = messages("order_confirmed", order_id=order.pk)
    results = run_together(4, lambda _index: events.deliver(message.pk))
    assert results.count(True) == 1 and len(mailoutbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_low_stock_consumer_runs_after_the_sale_commits(store, variant, mailoutbox):
    factories.staff(store, "gestionnaire", email="stock@example.com")
    Stock.objects.filter(variant=variant).update(low_stock_threshold=3)
    with transaction.atomic():
        reservations.deduct(store=store, lines=[reservations.Line(variant.pk, 8)], reference="POS")
        assert LowStockAlert.objects.count() == 1 and mailoutbox == []  # stock rows still locked: nothing told
    assert [message.to for message in mailoutbox] == [["stock@example.com"]]
    [message] = OutboxMessage.objects.filter(event="stock_low")
    assert message.delivered_at is not None and LowStockAlert.objects.get().notified_at is not None
