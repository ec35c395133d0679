from django.core.management.base import BaseCommand, CommandError

from ashopy.pos import signing
from ashopy.stores.models import Store


class Command(BaseCommand):
    help = ("Print each store's current till signing key: its id and its public half (base64 of the raw 32 bytes), "
            "as POS_RETIRED_KEYS takes it. Before rotating a store's key, add this public key to POS_RETIRED_KEYS "
            "so that the records it signed still verify.")

    def add_arguments(self, parser):
        parser.add_argument("--store", help="Only the store with this slug.")

    def handle(self, *args, store=None, **options):
        stores = Store.objects.order_by("slug")
        if store:
            stores = stores.filter(slug=store)
            if not stores.exists():
                raise CommandError("No store with that slug.")
        for each in stores:
            key = signing.public_key(each)
            self.stdout.write(f"{each.slug} {signing.key_id(key)} {signing.raw_base64(key)}")
