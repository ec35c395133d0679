from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ashopy.demo.loader import load_demo
from ashopy.demo.structure import DEMO_PASSWORD
from ashopy.stores.selectors import store_for_host


class Command(BaseCommand):
    help = ("Load the demo: the stores “ashopy Dakar” (XOF) and “ashopy Paris” (EUR) with their catalogues, "
            "taxes, discounts and people of every role. Safe to run again: it rebuilds the same data.")

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=None,
                            help="At most this many products per store (default: the whole demo catalogue).")

    def handle(self, *args, products=None, **options):
        if products is not None and products < 1:
            raise CommandError("--products must be at least 1.")
        logins = load_demo(products=products)
        self.stdout.write(self.style.SUCCESS(f"Demo loaded. Logins (password for all: {DEMO_PASSWORD}):"))
        width = max(len(login.email) for login in logins)
        for login in logins:
            where = f" @ {login.store}" if login.store else ""
            self.stdout.write(f"  {login.email:<{width}}  {login.role}{where}")
        local = store_for_host("localhost")
        if local is None or local.slug != "dakar":
            self.stdout.write(self.style.WARNING(
                f"localhost serves “{local}”, not ashopy Dakar: set DEFAULT_STORE=dakar to change that."))
        self.stdout.write(f"Shops: http://dakar.localhost:8000/ and http://paris.localhost:8000/ "
                          f"(back office: /admin/). Media files are in {settings.MEDIA_ROOT}.")
