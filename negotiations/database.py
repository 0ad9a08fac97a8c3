"""Statement timeouts: the web's limit (settings.DB_STATEMENT_TIMEOUT_MS) and its exceptions.

Every PostgreSQL connection starts with the short limit, so a stuck query cannot hold a
server worker. A command that legitimately runs long (importing a document, loading
the seeds, synthesising data) runs its work inside ``long_running()``.
"""

import contextlib

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections


def _set_timeout(connection, value, local):
    with connection.cursor() as cursor:
        # set_config() takes the value as a parameter; SET cannot.
        cursor.execute("SELECT set_config('statement_timeout', %s, %s)", [value, local])


@contextlib.contextmanager
def statement_timeout(milliseconds, using=DEFAULT_DB_ALIAS):
    """Run the block under another statement timeout (milliseconds; 0: none).

    Inside a transaction the setting is local to it (SET LOCAL), so a rollback or the
    end of the transaction drops it; outside, it is the session's. Either way the
    previous limit is restored when the block ends. Other databases have no statement
    timeout: there the block just runs.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    local = connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        previous = cursor.fetchone()[0]
    _set_timeout(connection, str(int(milliseconds)), local)
    try:
        yield
    except BaseException:
        # A failed transaction drops a local setting when it rolls back, and a broken
        # connection takes the session's with it: restoring may fail, and must not hide
        # the error that got us here.
        with contextlib.suppress(DatabaseError):
            _set_timeout(connection, previous, local)
        raise
    _set_timeout(connection, previous, local)


def long_running(using=DEFAULT_DB_ALIAS):
    """No statement timeout for the block: for management commands that run long."""
    return statement_timeout(0, using)


def one_snapshot(using=DEFAULT_DB_ALIAS):
    """Let the rest of the current transaction read one snapshot of the database
    (PostgreSQL's REPEATABLE READ), so that a download made of many queries, such as the
    dataset zip, cannot mix rows from before and after someone's save.

    Only possible before the transaction's first statement: called later (or outside a
    transaction, or in a test's wrapping transaction), it does nothing. SQLite's
    transactions see one snapshot already.
    """
    from psycopg.pq import TransactionStatus

    connection = connections[using]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return False
    connection.ensure_connection()
    if connection.connection.info.transaction_status != TransactionStatus.IDLE:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    return True
