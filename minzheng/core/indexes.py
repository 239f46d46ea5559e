"""Index shapes shared by the apps' models."""

from __future__ import annotations

from django.db import models


def search_index(field: str, *, name: str) -> models.Index:
    """One index on a text column that is searched by prefix and compared for equality, on every database.

    `db_index=True` on a CharField gives PostgreSQL two indexes: a plain one and a `varchar_pattern_ops` twin for
    LIKE 'abc%' (the plain one serves LIKE only under the C collation). Prefix searches on PostgreSQL are LIKEs and
    equality is in the pattern class too, so the twin alone serves every query of such a column; the plain one
    was pure upkeep (each index costs about 0.6 s of a 300,000-person import, benchmarks). SQLite ignores the
    operator class: there it is the plain index its half-open ranges read. Columns that are also sorted or compared
    by range (region codes) keep `db_index=True`."""
    return models.Index(fields=[field], name=name, opclasses=["varchar_pattern_ops"])
