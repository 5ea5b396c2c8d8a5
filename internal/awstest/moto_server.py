"""moto_server with item-level transaction rollback and partition-sized queries.

moto 5 makes TransactWriteItems undoable by deep-copying every table the
transaction touches, once per item of the transaction: a 100-item
transaction on a table of 20,000 items copies two million items. That is
correct but makes realistic provisioning tests take hours. This launcher
keeps moto's transaction logic and its answers, and only replaces the
backup: it snapshots the items the transaction names before it runs and
puts them back if it fails. moto derives secondary indexes from the items,
so restoring the items restores everything; the stream records the failed
transaction made are dropped, as DynamoDB never writes them.

It also makes a base-table Query read only the queried partition, and an
index Query skip a sort of the whole table it does not need: moto 5 scans
and sorts every item for each Query, which makes a provisioning cycle
quadratic in the directory's size. And it serialises item operations, as
moto_server's threads otherwise let two conditional writes both pass.
TransactWriteItems honours ClientRequestToken as DynamoDB does: a
transaction sent again with the same token within ten minutes answers as the
first did without being applied again. The SDK fills the token in once and
keeps it across its retries, so a retry of a transaction that committed but
whose answer was lost (a reset connection on a loaded machine) succeeds on
DynamoDB, where moto applied it again and failed its conditions (a 409 for a
create that had worked).
EventBridge rules compile their targets' input paths once, not per event.

Usage is moto_server's: python3 moto_server.py -H 127.0.0.1 -p 5000
"""
import collections
import copy
import functools
import json
import sys
import threading
import time

import jsonpath_ng.ext

import moto.dynamodb.models as models
import moto.dynamodb.responses as responses
import moto.dynamodb.models.table as table_models
from moto.dynamodb.exceptions import (
    ERROR_TYPE_PREFIX,
    DynamodbException,
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
    streams = {}
    for item in transact_items:
        try:
            op_type, op = next(iter(item.items()))
            table, key = _key(self, op_type, op)
            current = self.get_item(table.name, key)
        except Exception:  # moto itself reports malformed operations
            continue
        snapshot.append((table.name, key, copy.deepcopy(current)))
        if table.stream_shard is not None:
            streams.setdefault(table.name, (table.stream_shard, len(table.stream_shard.items)))
    try:
        return _original(self, transact_items)
    except (TransactionCanceledException, MultipleTransactionsException, MockValidationException):
        for table_name, key, before in reversed(snapshot):
            if before is None:
                if self.get_item(table_name, key) is not None:
                    self.delete_item(table_name, key)
            else:
                self.put_item(table_name, before.to_json()["Attributes"])
        # A cancelled transaction writes nothing to a table's stream on
        # DynamoDB: drop what its partial run and the undo recorded.
        for shard, length in streams.values():
            del shard.items[length:]
        raise


models.copy = _NoTableCopy()
models.DynamoDBBackend.transact_write_items = transact_write_items


# Base-table queries: moto 5 scans and sorts every item of the table for
# each Query, even when the key condition names one partition. Restrict
# all_items to the queried partition for the duration of such a query.

_partition = threading.local()
_all_items = table_models.Table.all_items
_query = table_models.Table.query


def _all_items_of_partition(self):
    if getattr(_partition, "unsorted", None) is self:
        # An index query sorts what it finds by the index's keys itself.
        out = []
        for hash_set in self.items.values():
            if self.range_key_attr:
                out.extend(hash_set.values())
            else:
                out.append(hash_set)
        return out
    if getattr(_partition, "table", None) is not self:
        return _all_items(self)
    part = self.items.get(_partition.key)
    if part is None:
        return []
    items = list(part.values()) if self.range_key_attr else [part]
    return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)


def _query_partition(self, hash_key, *args, **kwargs):
    index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
    if index_name:
        _partition.unsorted = self
        try:
            return _query(self, hash_key, *args, **kwargs)
        finally:
            _partition.unsorted = None
    if hash_key is None:
        return _query(self, hash_key, *args, **kwargs)
    _partition.table, _partition.key = self, hash_key
    try:
        return _query(self, hash_key, *args, **kwargs)
    finally:
        _partition.table = _partition.key = None


table_models.Table.all_items = _all_items_of_partition
table_models.Table.query = _query_partition


# moto_server serves requests on threads, and its condition checks are
# read-then-write: two concurrent conditional writes can both pass their
# checks, which DynamoDB never allows. One lock around every item operation
# gives the isolation the bridge's uniqueness rests on.
_lock = threading.RLock()


def _serialized(method):
    def locked(self, *args, **kwargs):
        with _lock:
            return method(self, *args, **kwargs)

    return locked


for _name in (
    "get_item", "put_item", "update_item", "delete_item", "query", "scan",
    "batch_get_item", "batch_write_item", "transact_get_items", "transact_write_items",
):
    setattr(models.DynamoDBBackend, _name, _serialized(getattr(models.DynamoDBBackend, _name)))

# TransactWriteItems' idempotency (ClientRequestToken): DynamoDB keeps a
# token for ten minutes; a token sent again with other items is an error.
_TOKEN_LIFE = 600
_tokens = collections.OrderedDict()  # token -> (time, items as JSON, answer), oldest first
_tokens_lock = threading.Lock()
_original_handler = responses.DynamoHandler.transact_write_items


class _IdempotentParameterMismatch(DynamodbException):
    error_type = ERROR_TYPE_PREFIX + "IdempotentParameterMismatchException"

    def __init__(self):
        super().__init__(self.error_type, "a transaction with this ClientRequestToken had other items")


def _transact_write_items_once(self):
    token = self.body.get("ClientRequestToken")
    if not token:
        return _original_handler(self)
    items = json.dumps(self.body["TransactItems"], sort_keys=True)
    # Held across the transaction, which the backend serialises anyway, so
    # that two sends of one token cannot both apply it.
    with _tokens_lock:
        now = time.monotonic()
        while _tokens and now - next(iter(_tokens.values()))[0] > _TOKEN_LIFE:
            _tokens.popitem(last=False)
        seen = _tokens.get(token)
        if seen is not None:
            if seen[1] != items:
                raise _IdempotentParameterMismatch()
            return seen[2]
        answer = _original_handler(self)  # a failed transaction raises: not kept
        _tokens[token] = (now, items, answer)
        return answer


responses.DynamoHandler.transact_write_items = _transact_write_items_once

# EventBridge: for every event a rule sends to a target, moto compiles the
# target's input paths (jsonpath), building a new parser each time: about
# 30 ms a path, 8 paths an event. The paths are a handful of constants;
# compile each once.
jsonpath_ng.ext.parse = functools.lru_cache(maxsize=256)(jsonpath_ng.ext.parse)

if __name__ == "__main__":
    sys.exit(main())
