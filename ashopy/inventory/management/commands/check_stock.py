from django.core.management.base import BaseCommand, CommandError

from ashopy.inventory.selectors import stock_discrepancies


class Command(BaseCommand):
    help = ("Verify that every stock's on_hand equals the sum of its movements and its reserved "
            "quantity equals its active reservations. Exits non-zero when they disagree.")

    def handle(self, *args, **options):
        problems = stock_discrepancies()
        for row in problems:
            self.stdout.write(
                f"stock {row['id']} (variant {row['variant_id']}, warehouse {row['warehouse_id']}): "
                f"on_hand {row['on_hand']} vs ledger {row['ledger']}; "
                f"reserved {row['reserved']} vs active reservations {row['held']}")
        if problems:
            raise CommandError(f"{len(problems)} stock row(s) disagree with the ledger or the reservations.")
        self.stdout.write("stock, ledger and reservations agree")
