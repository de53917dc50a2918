"""Reads from the replicas, writes to the primary.

With `DATABASE_REPLICA_URLS` set, the settings add the aliases `replica1`, `replica2`, ...
beside `default` (the primary) and install `PrimaryReplicaRouter`. Every write goes to the
primary. A read goes to one of the replicas, unless it has to see the newest data, when it
goes to the primary as well:

- inside `transaction.atomic()` on the primary: a transaction reads what it has written
  (and a check-then-write, such as a unique slug, sees every committed row);
- while reads are pinned with `pin_to_primary()`: the `PrimaryForWritesMiddleware` pins
  the admin, every request that may write (not GET, HEAD or OPTIONS) and, for a few seconds
  after such a request, every request from the same browser, so replication lag never shows
  an editor the page as it was before their save;
- for the related objects of an object read from the primary (`meeting.participants.all()`
  after `meeting.save()`); an object read from a replica brings its relations from that
  replica.

The settings are read at each call, so tests can change them with `override_settings`.
"""

import random
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

PRIMARY = "default"

# True while the current request (or a block of code) must read from the primary. A context
# variable, so each thread and each asynchronous task has its own.
_pinned = ContextVar("diplomacy_reads_pinned_to_primary", default=False)


def replicas():
    """The replica aliases, in the settings' order; empty when none is configured."""
    return list(getattr(settings, "DATABASE_REPLICAS", []))


@contextmanager
def pin_to_primary():
    """Send every read to the primary inside the block (also usable as a decorator)."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def reads_pinned():
    """Whether reads must go to the primary now: pinned, or in a transaction on it."""
    return _pinned.get() or connections[PRIMARY].in_atomic_block


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        available = replicas()
        if not available or reads_pinned():
            return PRIMARY
        instance = hints.get("instance")
        origin = getattr(getattr(instance, "_state", None), "db", None)
        if origin == PRIMARY or origin in available:
            return origin
        return random.choice(available)

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        """The replicas hold copies of the primary's rows, so objects from any of them may
        be related; objects from another database are left to other routers."""
        ours = {PRIMARY, *replicas()}
        if obj1._state.db in ours and obj2._state.db in ours:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        """Migrations run on the primary only: the replicas receive the schema by
        replication."""
        return db == PRIMARY
