"""Writing many rows at once, faster than bulk_create, for imports and other set-based work.

bulk_create prepares every value through the field API (about 4 µs a value on the reference VM): a registry member
has 40 columns, so 300,000 members spent about a minute there. `insert_rows` takes rows that are already clean
Python values, adapts only what the driver cannot take as it is (dates, JSON, …), and hands them over in the
fastest form each database offers: COPY on PostgreSQL, prepared INSERTs of 500 rows on SQLite.

It bypasses model `save()`, signals and `auto_now`: callers pass every column themselves, inside their own
transaction, and write their own audit events.

Around it, for loads that write while they read: `BackgroundWriter` (inserts and queries on a second thread, in the
caller's transaction), `IdSupply`/`reserve_ids` (ids drawn as inserts would), `checked_at_once` (foreign keys checked
per statement instead of at commit), `drop_indexes`/`create_indexes` (rebuild instead of upkeep for a first load).
"""

from __future__ import annotations

import queue
import sqlite3
import sys
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from itertools import chain
from typing import Any, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, models, transaction
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

T = TypeVar("T")

#: field types whose Python values every supported driver takes as they are
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.AutoField,
    models.BigAutoField,
)


def _converter(
    field: models.Field[Any, Any], connection: BaseDatabaseWrapper
) -> tuple[Callable[[Any], Any] | None, bool]:
    """(how to adapt a value of this field, or None; whether equal values may share one adapted value)."""
    if isinstance(field, models.ForeignKey):
        return _converter(cast("models.Field[Any, Any]", field.target_field), connection)
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value, True
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value, True
    if isinstance(field, _PLAIN):
        return None, False
    return (lambda value: field.get_db_prep_save(value, connection)), False


def _adapted(
    row: Sequence[Any], adapt: list[tuple[int, Callable[[Any], Any], dict[Any, Any] | None]]
) -> list[Any]:
    values = list(row)
    for index, convert, seen in adapt:
        value = values[index]
        if value is None:
            continue
        if seen is None:
            values[index] = convert(value)
        else:
            adapted = seen.get(value)
            if adapted is None:
                adapted = seen[value] = convert(value)
            values[index] = adapted
    return values


def adapt_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    prepared: Collection[str] = (),
    using: BaseDatabaseWrapper | None = None,
) -> Sequence[Sequence[Any]]:
    """The rows as insert_rows hands them to the driver: values the driver cannot take as they are, adapted."""
    connection = using or default_connection
    adapt: list[tuple[int, Callable[[Any], Any], dict[Any, Any] | None]] = []
    for index, name in enumerate(names):
        if name in prepared:
            continue
        convert, shareable = _converter(
            cast("models.Field[Any, Any]", model._meta.get_field(name)), connection
        )
        if convert is not None:
            # Adapting a datetime costs ~5 µs and the same few values recur (one `now`, shared birthdays).
            adapt.append((index, convert, {} if shareable else None))
    # With nothing to adapt, the caller's rows go to the driver as they are.
    return [_adapted(row, adapt) for row in rows] if adapt else rows


def insert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: bool = False,
    prepared: Collection[str] = (),
    using: BaseDatabaseWrapper | None = None,
) -> list[int]:
    """INSERT rows (values in the order of the field `names`); with `returning`, give back their new ids in order.

    Values of the fields named in `prepared` are already in the database's form (e.g. JSON as text) and are passed
    on untouched. `using` is a connection handed over from another thread (BackgroundWriter); by default, this
    thread's. Identifiers come from the model's own metadata and every value travels as a parameter."""
    connection = using or default_connection
    if not rows:
        return []
    fields = [cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in names]
    params = adapt_rows(model, names, rows, prepared=prepared, using=connection)

    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    pk = model._meta.pk
    assert pk is not None  # noqa: S101 - every concrete model has one
    ids: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams rows without parsing SQL; a 20,000-value INSERT spends its time being parsed.
            # Ids, when needed, are drawn from the table's own sequence first, exactly as an INSERT would.
            if returning:
                ids = _sequence_values(model, len(params), connection)
                columns = f"{quote(pk.column)}, {columns}"
                params = [[pk_value, *values] for pk_value, values in zip(ids, params, strict=True)]
            # The raw driver cursor: wrap its errors so callers catch IntegrityError as for any other query.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for values in params:
                    copy.write_row(values)
        else:
            # SQLite: many rows per statement. One statement a row (executemany) would take Python's GIL back
            # for every row, so a BackgroundWriter's thread would wait for it 300,000 times while the caller's
            # thread runs Python; a statement of hundreds of rows is bound at once and stepped without the GIL.
            # The same VALUES order gives RETURNING ids in order (bulk_create relies on it too).
            per_statement = max(1, min(_ROWS_PER_STATEMENT, _max_params(connection) // len(fields)))
            returned = f" RETURNING {quote(pk.column)}" if returning else ""
            # The driver's own cursor with its own placeholders: Django's would rewrite every "%s" of the
            # statement's text (2 ms for 500 rows of 44 columns) while holding the GIL.
            raw = cast("sqlite3.Cursor", cursor.cursor)
            for start in range(0, len(params), per_statement):
                batch = params[start : start + per_statement]
                sql = _qmark_insert(table, columns, len(fields), len(batch)) + returned
                with connection.wrap_database_errors:
                    sqlite3.Cursor.execute(raw, sql, list(chain.from_iterable(batch)))
                if returning:
                    ids.extend(fetched[0] for fetched in raw.fetchall())
    return ids


#: rows per INSERT statement where rows are not streamed (SQLite): statements of the same length are prepared once
_ROWS_PER_STATEMENT = 500


@lru_cache(maxsize=64)
def _qmark_insert(table: str, columns: str, width: int, rows: int) -> str:
    """An INSERT of `rows` rows in SQLite's placeholders; the same text object each time, so the driver's cache of
    prepared statements finds it without hashing 90 kB again."""
    one = "(" + ", ".join(["?"] * width) + ")"
    return f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * rows)}"  # noqa: S608 - see insert_rows


def _max_params(connection: BaseDatabaseWrapper) -> int:
    """How many parameters one statement may carry: SQLite's own limit where the driver tells it (SQLite has allowed
    32,766 since 3.32; Django assumes the old 999)."""
    limit = getattr(connection.connection, "getlimit", None)
    if limit is not None:
        return min(int(limit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)), 32_766)
    return connection.features.max_query_params or 999


def reserve_ids(model: type[models.Model], count: int) -> Sequence[int]:
    """Ids for `count` rows about to be inserted with insert_rows in the current transaction, drawn as an INSERT
    would draw them: from the table's sequence on PostgreSQL (never handed out twice), after the highest id ever used
    on SQLite (AUTOINCREMENT's own rule; inserting them moves sqlite_sequence on). Knowing ids before inserting lets
    rows that point at each other be written in one pass, the foreign keys being checked at commit.

    On SQLite the transaction holds the write lock (transaction_mode IMMEDIATE), so no other writer can take the same
    ids in between; were one to, the primary key would refuse the insert and the transaction would roll back."""
    if not connection.in_atomic_block:
        raise RuntimeError("reserve ids inside the transaction that inserts the rows")
    if count <= 0:
        return []
    pk = model._meta.pk
    assert pk is not None  # noqa: S101 - every concrete model has one
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        return _sequence_values(model, count, connection)
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            raise NotImplementedError(f"reserve_ids on {connection.vendor}")
        quote = connection.ops.quote_name
        used = "SELECT seq FROM sqlite_sequence WHERE name = %s"
        top_id = f"SELECT max({quote(pk.column)}) FROM {quote(table)}"  # noqa: S608 - names from the model
        cursor.execute(f"SELECT max(coalesce(({used}), 0), coalesce(({top_id}), 0))", [table])  # noqa: S608
        top = int(cursor.fetchone()[0])
    return range(top + 1, top + 1 + count)


def _sequence_values(model: type[models.Model], count: int, using: BaseDatabaseWrapper) -> list[int]:
    """The next `count` values of the table's id sequence (PostgreSQL)."""
    if count <= 0:
        return []
    pk = model._meta.pk
    assert pk is not None  # noqa: S101 - every concrete model has one
    with using.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def sqlite_cache(mib: int) -> Iterator[None]:
    """A larger SQLite page cache for this connection while bulk rows go in (no-op on other databases).

    The default cache (2 MiB) cannot hold the index pages that 300,000 new members touch at random places (their
    names, pinyin, ID numbers), so SQLite reads and re-reads them; a cache that holds them saves about a fifth of an
    import's time. Pages are allocated only as used; the previous size is restored."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-int(mib) * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


@contextmanager
def checked_at_once(foreign_keys: Sequence[tuple[type[models.Model], str]]) -> Iterator[None]:
    """Within the current transaction, check these foreign keys (model, field name) as each statement ends instead
    of at commit (PostgreSQL; Django makes every foreign key DEFERRABLE INITIALLY DEFERRED; no-op elsewhere).

    For bulk writes that insert parents before children: a million deferred checks would all run at commit, after
    the work they could have overlapped. Back to deferred on the way out; after an error, rolling back (to the
    savepoint) undoes the setting anyway."""
    if connection.vendor != "postgresql" or not foreign_keys:
        yield
        return
    names = [_foreign_key_name(model, field) for model, field in foreign_keys]
    listed = ", ".join(connection.ops.quote_name(name) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {listed} IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {listed} DEFERRED")


def _foreign_key_name(model: type[models.Model], field_name: str) -> str:
    """The database's name of the foreign key constraint of a model field."""
    column = cast("models.Field[Any, Any]", model._meta.get_field(field_name)).column
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    for name, details in constraints.items():
        if details["foreign_key"] and details["columns"] == [column]:
            return str(name)
    raise LookupError(f"no foreign key on {model._meta.db_table}.{column}")


def drop_indexes(model: type[models.Model], names: Sequence[str], *, wait_s: int = 2) -> list[str]:
    """Drop these indexes of the model's table in the current transaction, for a load that inserts more rows than the
    table holds: building an index from a whole table at once costs a fraction of keeping it up row by row. Returns
    the statements that build them again, for `create_indexes` before the commit; a rollback brings them back too.

    On PostgreSQL the table is then locked against readers until the commit. If that lock is not granted within
    `wait_s` seconds (someone is using the table), nothing is dropped and the answer is []: the load keeps the
    indexes up as it goes. SQLite's readers keep reading the last committed state meanwhile."""
    if not connection.in_atomic_block:
        raise RuntimeError("drop indexes inside the transaction that builds them again")
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes"
                " WHERE schemaname = current_schema() AND tablename = %s AND indexname = ANY(%s)",
                [table, list(names)],
            )
        else:
            placeholders = ", ".join(["%s"] * len(names))
            query = f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND name IN ({placeholders})"  # noqa: S608 - placeholders only
            cursor.execute(query, [table, *names])
        found = dict(cursor.fetchall())
    missing = set(names) - set(found)
    if missing:
        raise LookupError(f"no index {', '.join(sorted(missing))} on {table}")
    dropped = ", ".join(quote(name) for name in names)
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f"DROP INDEX {quote(name)}")
        return [found[name] for name in names]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('lock_timeout')")
            previous = cursor.fetchone()[0]
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(wait_s)}s"])
            cursor.execute(f"DROP INDEX {dropped}")
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    except OperationalError:
        return []  # the lock was not granted in time; the savepoint's rollback restored everything
    return [found[name] for name in names]


def create_indexes(statements: Sequence[str], *, using: BaseDatabaseWrapper | None = None) -> None:
    """Run the statements `drop_indexes` returned (on a BackgroundWriter's thread, pass its connection)."""
    with (using or default_connection).cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


#: seconds a thread may hold the GIL while another waits for it, while a BackgroundWriter runs (Python's default: 5 ms)
SWITCH_INTERVAL = 0.001


class BackgroundWriter:
    """insert_rows on a second thread, over this thread's connection and so in its transaction, while this thread
    prepares the next rows. The database does its part (SQLite's B-trees, PostgreSQL's COPY) without holding
    Python's GIL, so on two cores preparing and writing overlap.

    Only the writer touches the connection between `put` and `flush`: call `flush()` before any query of your own,
    or hand the query to the writer (`run`, `call`). The first error of the writer is raised again by the next `put`,
    by `flush` and on leaving the block (the caller's transaction then rolls back as for any failed insert); after
    it, the writer runs nothing more. Leaving the block always stops the thread."""

    def __init__(self, *, depth: int = 2) -> None:
        self.connection: BaseDatabaseWrapper = connections[DEFAULT_DB_ALIAS]
        self.jobs: queue.Queue[Callable[[], object] | None] = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="insert_rows", daemon=True)

    def __enter__(self) -> BackgroundWriter:
        if not self.connection.in_atomic_block:
            raise RuntimeError("a BackgroundWriter writes inside the caller's transaction")
        self.connection.inc_thread_sharing()
        # The writer takes the GIL back after each statement; by default the busy thread keeps it for up to 5 ms
        # before handing it over, and a writer that waits that long each time leaves the database idle.
        self.switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self.switch_interval, SWITCH_INTERVAL))
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.jobs.put(None)
        self.thread.join()
        sys.setswitchinterval(self.switch_interval)
        self.connection.dec_thread_sharing()
        if self.error is not None and exc[0] is None:
            raise self.error

    def put(
        self,
        model: type[models.Model],
        names: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        prepared: Collection[str] = (),
    ) -> None:
        self._raise()
        # Adapted here, on the caller's thread (which would otherwise wait), so the writer only writes.
        adapted = adapt_rows(model, names, rows, prepared=prepared, using=self.connection)
        self.run(lambda using: insert_rows(model, names, adapted, prepared=names, using=using))

    def run(self, work: Callable[[BaseDatabaseWrapper], object]) -> None:
        """Run `work(connection)` on the writer's thread after everything put before it, as `put` runs an insert:
        its error is the writer's. The ORM must not be used inside `work` (Django's connections belong to
        threads): raw cursors of the connection handed in only."""
        self._raise()
        self.jobs.put(lambda: work(self.connection))

    def call(self, work: Callable[[BaseDatabaseWrapper], T]) -> Future[T]:
        """`run`, for a query whose result this thread wants: it (or its error) arrives in the future, and an
        error stays the future's (the rows keep going in)."""
        self._raise()
        future: Future[T] = Future()

        def job() -> None:
            try:
                future.set_result(work(self.connection))
            except Exception as exc:  # noqa: BLE001 - handed to whoever waits on the future
                future.set_exception(exc)

        self.jobs.put(job)
        return future

    def flush(self) -> None:
        """Wait until everything put so far is written."""
        self.jobs.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def _run(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                if self.error is None:  # after an error, only drain the queue so that put() never blocks
                    job()
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, raised there
                self.error = exc
            finally:
                self.jobs.task_done()


class IdSupply:
    """Ids for rows to be inserted in the current transaction, `count` at a time, when how many there will be is not
    known in advance (an import that writes people while it still reads the file). Drawn as `reserve_ids` draws
    them, exactly as many as asked for (no gap in the sequence), by the thread that owns the connection: pass the
    connection a BackgroundWriter's job is handed.

    Create it before the writer owns the connection. On SQLite the transaction holds the write lock, so after one
    look at the highest id used the rest follow it (rows taken now may be inserted much later)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.next: int | None = reserve_ids(model, 1)[0] if connection.vendor == "sqlite" else None

    def take(self, count: int, *, using: BaseDatabaseWrapper | None = None) -> Sequence[int]:
        if self.next is not None:
            ids = range(self.next, self.next + count)
            self.next += count
            return ids
        return _sequence_values(self.model, count, using or default_connection)


class Rows:
    """Full rows of a model for `insert_rows` (bulk loads, the benchmarks' synthetic data): every concrete column but
    the id, defaults filled in once; ``row(**values)`` sets the named ones."""

    def __init__(self, model: type[models.Model], now: datetime) -> None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.model = model
        self.names = [f.name for f in fields]
        self.position = {name: i for i, name in enumerate(self.names)}
        self.defaults: list[Any] = []
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults.append(now)
            elif f.has_default():
                self.defaults.append(f.get_default())
            else:
                self.defaults.append(None if f.null or f.is_relation else "")

    def row(self, **values: Any) -> list[Any]:
        out = list(self.defaults)
        for name, value in values.items():
            out[self.position[name]] = value
        return out

    def insert(self, rows: list[list[Any]], *, returning: bool = False) -> list[int]:
        return insert_rows(self.model, self.names, rows, returning=returning)
