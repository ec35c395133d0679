import time

from django.core.management.base import BaseCommand, CommandError

from ashopy.pos.models import Till
from ashopy.pos.verification import verify


class Command(BaseCommand):
    help = ("Recompute every till record's hash and signature (and rebuild its content from the stored tickets, "
            "closings, duplicates and closures); name the first record that does not match and exit non-zero.")

    def add_arguments(self, parser):
        parser.add_argument("--till", help="Only the till with this code.")
        parser.add_argument("--store", help="Only the tills of the store with this slug.")

    def handle(self, *args, till=None, store=None, **options):
        tills = Till.objects.all()
        if till:
            tills = tills.filter(code=till)
        if store:
            tills = tills.filter(store__slug=store)
        if (till or store) and not tills.exists():
            raise CommandError("No such till.")
        started = time.perf_counter()
        reports = verify(tills)
        elapsed = time.perf_counter() - started
        failed = [report for report in reports if not report.ok]
        for report in reports:
            name = f"{report.till.store.slug}/{report.till.code}"
            if report.ok:
                self.stdout.write(f"{name}: {report.records} records, chain valid")
            else:
                self.stdout.write(self.style.ERROR(f"{name}: {report.failure}"))
        total = sum(report.records for report in reports)
        self.stdout.write(f"{total} records of {len(reports)} tills checked in {elapsed:.2f} s")
        if failed:
            raise CommandError(f"{len(failed)} till chain(s) broken.")
