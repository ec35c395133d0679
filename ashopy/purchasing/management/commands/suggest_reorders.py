from django.core.management.base import BaseCommand, CommandError

from ashopy.purchasing.selectors import reorder_suggestions
from ashopy.purchasing.services import draft_purchase_orders
from ashopy.stores.models import Store


class Command(BaseCommand):
    help = ("Print the reorder suggestions (stock rows whose available plus expected units are at or below "
            "their reorder point); with --draft, draft one purchase order per supplier and warehouse.")

    def add_arguments(self, parser):
        parser.add_argument("--store", metavar="SLUG", help="Only this store (default: every active store).")
        parser.add_argument("--draft", action="store_true", help="Draft the purchase orders.")

    def handle(self, *args, store=None, draft=False, **options):
        stores = Store.objects.filter(is_active=True).order_by("slug")
        if store:
            stores = Store.objects.filter(slug=store)
            if not stores.exists():
                raise CommandError(f"No store with the slug {store!r}.")
        for current in stores:
            self._suggest(current, draft=draft)

    def _suggest(self, store: Store, *, draft: bool) -> None:
        plan = reorder_suggestions(store=store)
        self.stdout.write(f"{store.slug}: {len(plan.to_order)} to order, {len(plan.no_supplier)} without supplier")
        for suggestion in plan.all:
            supplier = suggestion.supplier.name if suggestion.supplier else "no supplier"
            self.stdout.write(
                f"  {suggestion.variant.sku} @ {suggestion.warehouse.code}: available {suggestion.available}, "
                f"expected {suggestion.incoming}, reorder point {suggestion.reorder_point} "
                f"-> order {suggestion.quantity} from {supplier}")
        if draft:
            for order in draft_purchase_orders(store=store, suggestions=plan.to_order):
                self.stdout.write(f"  drafted {order.number} ({order.supplier.name}, {order.warehouse.code}, "
                                  f"{order.lines.count()} lines)")
