"""core.scope.code_range: the codes under a region, as an index range that holds under every collation."""

from __future__ import annotations

import pytest
from django.db import connection

from minzheng.core.scope import code_range

INSIDE = ["510521", "5105210", "510521103", "510521103000", "510521999999", "5105219"]
OUTSIDE = ["510520", "510520999999", "510522", "5105220", "51052", "510500", "52"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("510521", ("510521", "510522")),
        ("5105219", ("5105219", "510522")),
        ("5109", ("5109", "511")),
        ("1", ("1", "2")),
    ],
)
def test_the_upper_bound_is_the_next_code_prefix(code: str, expected: tuple[str, str]) -> None:
    assert code_range(code) == expected


@pytest.mark.parametrize("bad", ["", "99", "51052a", "５１０"])
def test_what_is_not_a_code_prefix_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not a region code prefix"):
        code_range(bad)


def test_the_range_holds_exactly_the_codes_under_the_region() -> None:
    low, high = code_range("510521")
    assert [c for c in INSIDE + OUTSIDE if low <= c < high] == INSIDE  # code point order (C, SQLite)


@pytest.mark.django_db
@pytest.mark.parametrize("collation", ["C", "und-x-icu", "en-US-x-icu"])
def test_the_range_holds_under_the_databases_collations(collation: str) -> None:
    """ICU sorts ':' before the digits, so the old bound "510521:" lost every code below the county there."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite compares code points only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [collation])
        if cursor.fetchone() is None:
            pytest.skip(f"collation {collation} is not installed")
        low, high = code_range("510521")
        quoted = connection.ops.quote_name(collation)
        cursor.execute(
            f"SELECT c FROM unnest(%s::text[]) AS c WHERE c COLLATE {quoted} >= %s AND c COLLATE {quoted} < %s",  # noqa: S608
            [INSIDE + OUTSIDE, low, high],
        )
        assert sorted(row[0] for row in cursor.fetchall()) == sorted(INSIDE)
        cursor.execute(f"SELECT %s::text COLLATE {quoted} < %s", ["510521:", "510521103"])  # noqa: S608
        old_bound_loses_villages = cursor.fetchone()[0]
    assert old_bound_loses_villages == (collation != "C")
