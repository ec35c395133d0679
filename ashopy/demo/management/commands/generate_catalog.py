import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ashopy.demo.generator import generate
from ashopy.stores.models import Store


class Command(BaseCommand):
    help = ("Bulk-create N published retail products in a store, for benchmarks: 1–2 variants each, "
            "a shared picture, specifications when the store has product types.")

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, required=True, help="How many products to create.")
        parser.add_argument("--store", default="", help="Store slug (default: the store with the lowest id).")
        parser.add_argument("--batch", type=int, default=5000, help="Rows per insert batch (default 5000).")
        parser.add_argument("--seed", type=int, default=None, help="Random seed, to generate the same names again.")

    def handle(self, *args, products, store, batch, seed, verbosity=1, **options):
        if products < 1 or batch < 1:
            raise CommandError("--products and --batch must be at least 1.")
        stores = Store.objects.order_by("id")
        target = stores.filter(slug=store).first() if store else stores.first()
        if target is None:
            raise CommandError(f"No store “{store}”." if store else "No store yet: run load_demo first.")
        started = time.monotonic()
        with tqdm(total=products, unit=" products", file=sys.stderr, disable=verbosity == 0) as bar:
            made = generate(store=target, count=products, batch=batch, progress=bar.update, seed=seed)
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"Created {made} products in {target.name} in {seconds:.1f} s ({made / seconds:.0f} per second)."))
