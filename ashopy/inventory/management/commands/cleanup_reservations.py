from django.core.management.base import BaseCommand

from ashopy.inventory.reservations import expire_reservations


class Command(BaseCommand):
    help = ("Release reservations past their expiry. Safe to run from cron while another copy runs: "
            "each reservation is released exactly once.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="reservations per transaction")

    def handle(self, *args, batch, **options):
        total = 0
        while released := expire_reservations(limit=batch):
            total += released
        self.stdout.write(f"released {total} expired reservation(s)")
