from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ashopy.demo.loader import is_loaded, load_demo, logins
from ashopy.demo.promotions import add_catalogue_promotions
from ashopy.demo.structure import DEMO_PASSWORD, STORES
from ashopy.stores.selectors import store_for_host


class Command(BaseCommand):
    help = ("Load the demo into an empty database: the stores “ashopy Dakar” (XOF) and “ashopy Paris” (EUR) "
            "with their catalogues, taxes, discounts and people of every role. A database that already has "
            "a store is kept as it is; --reset rebuilds the demo stores from scratch.")

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=None,
                            help="At most this many products per store (default: the whole demo catalogue).")
        parser.add_argument("--reset", action="store_true",
                            help="Rebuild the demo stores even if the database has data (their catalogue, "
                                 "stock and settings are replaced; a store's orders too, unless it has issued "
                                 "invoices, which are never deleted: it then keeps its orders and documents).")

    def handle(self, *args, products=None, reset=False, **options):
        if products is not None and products < 1:
            raise CommandError("--products must be at least 1.")
        if reset or not is_loaded():
            load_demo(products=products)
            add_catalogue_promotions()
            self.stdout.write(self.style.SUCCESS("Demo loaded."))
        else:
            self.stdout.write(self.style.SUCCESS(
                "The database already has stores: kept as it is (manage.py load_demo --reset starts over)."))
        self._summary()

    def _summary(self):
        found = logins()
        self.stdout.write(f"\nLogins (password for all: {DEMO_PASSWORD}):")
        width = max(len(login.email) for login in found)
        for login in found:
            where = f" @ {login.store}" if login.store else ""
            self.stdout.write(f"  {login.email:<{width}}  {login.role}{where}")
        self.stdout.write("\nOnce the server runs:")
        for store in STORES.values():
            self.stdout.write(f"  {store['name']:<13} http://{store['domain']}:8000/")
        first = next(iter(STORES.values()))["domain"]
        for path, what in (("staff/", "back office"), ("admin/", "Django admin"), ("api/docs/", "API docs")):
            self.stdout.write(f"  {what:<13} http://{first}:8000/{path}")
        local = store_for_host("localhost")
        if local is not None and local.slug != "dakar":
            self.stdout.write(self.style.WARNING(
                f"localhost serves “{local}”, not ashopy Dakar: set DEFAULT_STORE=dakar to change that."))
        if settings.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":
            self.stdout.write(f"E-mails the shop sends are written to {settings.EMAIL_FILE_PATH}/.")
        self.stdout.write(f"Media files are in {settings.MEDIA_ROOT}.")
