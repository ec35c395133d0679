"""Fake payment provider servers on 127.0.0.1, for tests of ashopy's real provider clients."""

from tests.fakes.orange_money_api import FakeOrangeMoney, fake_orange_money
from tests.fakes.server import FakeServer, Request, Response, route, unused_url
from tests.fakes.stripe_api import FakeStripe, fake_stripe, nested, stripe_signature
from tests.fakes.wave_api import FakeWave, fake_wave, wave_signature

__all__ = ["FakeOrangeMoney", "FakeServer", "FakeStripe", "FakeWave", "Request", "Response", "fake_orange_money",
           "fake_stripe", "fake_wave", "nested", "route", "stripe_signature", "unused_url", "wave_signature"]
