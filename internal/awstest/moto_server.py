"""moto_server with item-level transaction rollback.

moto 5 makes TransactWriteItems undoable by deep-copying every table the
transaction touches, once per item of the transaction: a 100-item
transaction on a table of 20,000 items copies two million items. That is
correct but makes realistic provisioning tests take hours. This launcher
keeps moto's transaction logic and its answers, and only replaces the
backup: it snapshots the items the transaction names before it runs and
puts them back if it fails. moto derives secondary indexes from the items,
so restoring the items restores everything.

Usage is moto_server's: python3 moto_server.py -H 127.0.0.1 -p 5000
"""
import copy
import sys

import moto.dynamodb.models as models
from moto.dynamodb.exceptions import (
    MockValidationException,
    MultipleTransactionsException,
    TransactionCanceledException,
)
from moto.server import main


class _NoTableCopy:
    """Stands in for the copy module inside moto's dynamodb models: tables
    are not copied (the snapshot below replaces that backup)."""

    def __getattr__(self, name):
        return getattr(copy, name)

    @staticmethod
    def deepcopy(x, *args, **kwargs):
        if isinstance(x, models.Table):
            return x
        return copy.deepcopy(x, *args, **kwargs)


_original = models.DynamoDBBackend.transact_write_items


def _key(backend, op_type, op):
    table = backend.get_table(op["TableName"])
    if op_type != "Put":
        return table, op["Key"]
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return table, key


def transact_write_items(self, transact_items):
    snapshot = []
    for item in transact_items:
        try:
            op_type, op = next(iter(item.items()))
            table, key = _key(self, op_type, op)
            current = self.get_item(table.name, key)
        except Exception:  # moto itself reports malformed operations
            continue
        snapshot.append((table.name, key, copy.deepcopy(current)))
    try:
        return _original(self, transact_items)
    except (TransactionCanceledException, MultipleTransactionsException, MockValidationException):
        for table_name, key, before in reversed(snapshot):
            if before is None:
                if self.get_item(table_name, key) is not None:
                    self.delete_item(table_name, key)
            else:
                self.put_item(table_name, before.to_json()["Attributes"])
        raise


models.copy = _NoTableCopy()
models.DynamoDBBackend.transact_write_items = transact_write_items

if __name__ == "__main__":
    sys.exit(main())
