from django.core.management.base import BaseCommand

from ashopy.pos.signing import new_seed


class Command(BaseCommand):
    help = ("Print a new Ed25519 private seed for the till's signatures, to put in POS_SIGNING_KEYS "
            "(e.g. POS_SIGNING_KEYS='{\"*\": \"<seed>\"}'). Keep it secret and backed up: records signed with a "
            "lost key can no longer be proved.")

    def handle(self, *args, **options):
        self.stdout.write(new_seed())
