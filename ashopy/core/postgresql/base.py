"""Django's PostgreSQL backend, with bulk writes kept under the protocol's parameter limit.

With parameters bound by the server (DATABASE_PREPARED_STATEMENTS, see settings.py), one
statement can carry at most 65,535 of them, and Django 5.2 does not batch `bulk_create` or
`bulk_update` by that limit: generating a 10,000-product catalogue failed. This backend sizes the
batches; everything else is Django's.
"""

from django.db.backends.postgresql import base, operations

MAX_PARAMETERS = 65_535


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        if self.connection.features.uses_server_side_binding and fields:
            return max(1, MAX_PARAMETERS // len(fields))
        return super().bulk_batch_size(fields, objs)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
