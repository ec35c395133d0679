from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from ashopy.accounts.roles import permissions_for
from ashopy.stores.models import Role


class Command(BaseCommand):
    help = "Create (or bring up to date) one group per role with its permissions. Safe to run again."

    def handle(self, *args, **options):
        permissions = Permission.objects.select_related("content_type")
        for role in Role:
            group, created = Group.objects.get_or_create(name=role.value)
            granted = permissions_for(role, permissions)
            group.permissions.set(granted)
            self.stdout.write(f"{'created' if created else 'updated'} {role.value}: {len(granted)} permissions")
