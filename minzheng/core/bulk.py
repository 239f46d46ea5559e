"""Writing many rows at once, faster than bulk_create, for imports and other set-based work.

bulk_create prepares every value through the field API (about 4 µs a value on the reference VM): a registry member
has 40 columns, so 300,000 members spent about a minute there. `insert_rows` takes rows that are already clean
Python values, adapts only what the driver cannot take as it is (dates, JSON, …), and hands them over in the
fastest form each database offers: COPY on PostgreSQL, one prepared statement (executemany) on SQLite.

It bypasses model `save()`, signals and `auto_now`: callers pass every column themselves, inside their own
transaction, and write their own audit events.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

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
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    pk = model._meta.pk
    assert pk is not None  # noqa: S101 - every concrete model has one
    ids: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams rows without parsing SQL; a 20,000-value INSERT spends its time being parsed.
            # Ids, when needed, are drawn from the table's own sequence first, exactly as an INSERT would.
            if returning:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [model._meta.db_table, pk.column, len(params)],
                )
                ids = [fetched[0] for fetched in cursor.fetchall()]
                columns = f"{quote(pk.column)}, {columns}"
                params = [[pk_value, *values] for pk_value, values in zip(ids, params, strict=True)]
            # The raw driver cursor: wrap its errors so callers catch IntegrityError as for any other query.
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for values in params:
                    copy.write_row(values)
        elif not returning:
            # SQLite (and others) run executemany with one prepared statement.
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {one}", params)  # noqa: S608 - see docstring
        else:
            # Many rows per statement, RETURNING their ids in the order of VALUES (bulk_create relies on the same).
            per_statement = max(1, min(500, (connection.features.max_query_params or 999) // len(fields)))
            for start in range(0, len(params), per_statement):
                batch = params[start : start + per_statement]
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))} RETURNING {quote(pk.column)}",  # noqa: S608 - see docstring
                    [value for values in batch for value in values],
                )
                ids.extend(fetched[0] for fetched in cursor.fetchall())
    return ids


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
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError(f"reserve_ids on {connection.vendor}")
        quote = connection.ops.quote_name
        used = "SELECT seq FROM sqlite_sequence WHERE name = %s"
        top_id = f"SELECT max({quote(pk.column)}) FROM {quote(table)}"  # noqa: S608 - names from the model
        cursor.execute(f"SELECT max(coalesce(({used}), 0), coalesce(({top_id}), 0))", [table])  # noqa: S608
        top = int(cursor.fetchone()[0])
    return range(top + 1, top + 1 + count)


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


class BackgroundWriter:
    """insert_rows on a second thread, over this thread's connection and so in its transaction, while this thread
    prepares the next rows. The database does its part (SQLite's B-trees, PostgreSQL's COPY) without holding
    Python's GIL, so on two cores preparing and writing overlap.

    Only the writer touches the connection between `put` and `flush`: call `flush()` before any query of your own.
    The first error of the writer is raised again by the next `put`, by `flush` and on leaving the block (the
    caller's transaction then rolls back as for any failed insert); leaving the block always stops the thread."""

    def __init__(self, *, depth: int = 2) -> None:
        self.connection: BaseDatabaseWrapper = connections[DEFAULT_DB_ALIAS]
        self.jobs: queue.Queue[tuple[Any, ...] | None] = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="insert_rows", daemon=True)

    def __enter__(self) -> BackgroundWriter:
        if not self.connection.in_atomic_block:
            raise RuntimeError("a BackgroundWriter writes inside the caller's transaction")
        self.connection.inc_thread_sharing()
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.jobs.put(None)
        self.thread.join()
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
        rows = adapt_rows(model, names, rows, prepared=prepared, using=self.connection)
        self.jobs.put((model, names, rows, names))

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
                    model, names, rows, prepared = job
                    insert_rows(model, names, rows, prepared=prepared, using=self.connection)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, raised there
                self.error = exc
            finally:
                self.jobs.task_done()


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
