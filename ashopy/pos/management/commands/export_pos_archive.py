from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from ashopy.pos.archive import export_archive
from ashopy.stores.models import Store


class Command(BaseCommand):
    help = ("Write each store's signed till archive of a year (zip: tickets, lines, payments, closures and chain "
            "as CSV, the public keys its records were signed with, a manifest of SHA-256 hashes and its Ed25519 "
            "signature); the export is logged in every till's chain.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", default=".", help="Directory to write the archives in (default: here).")
        parser.add_argument("--store", help="Only the store with this slug.")

    def handle(self, *args, year, output, store=None, **options):
        if not 2000 <= year <= 2999:
            raise CommandError("--year must be a year such as 2026.")
        stores = Store.objects.filter(tills__isnull=False).distinct().order_by("slug")
        if store:
            stores = stores.filter(slug=store)
            if not stores.exists():
                raise CommandError("No store with that slug has a till.")
        for each in stores:
            try:
                path = export_archive(store=each, year=year, directory=Path(output))
            except ImproperlyConfigured as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"{each.slug}: {path}")
