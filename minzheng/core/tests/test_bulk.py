"""insert_rows writes what bulk_create would, on SQLite and PostgreSQL alike, and returns ids in row order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from minzheng.core.bulk import BackgroundWriter, insert_rows, reserve_ids, sqlite_cache
from minzheng.core.testing.personas import VILLAGE_A1, VILLAGE_A2
from minzheng.registry.models import Household, IncomeCategory, IncomeItem

HOUSEHOLD_FIELDS = [
    "region",
    "address",
    "hukou_type",
    "phone",
    "bank_name",
    "account_holder",
    "account_number",
]
HOUSEHOLD_FIELDS += ["note", "created_at", "updated_at"]


def test_returned_ids_follow_the_order_of_the_rows(personas: dict[str, Any]) -> None:
    now = timezone.now()
    rows = [
        (VILLAGE_A1 if i % 2 else VILLAGE_A2, f"{i} 号", "rural", "", "", "", "", "", now, now)
        for i in range(1200)
    ]
    with transaction.atomic():
        ids = insert_rows(Household, HOUSEHOLD_FIELDS, rows, returning=True)
    assert len(ids) == len(set(ids)) == 1200
    stored = dict(Household.objects.values_list("pk", "address"))
    assert [stored[pk] for pk in ids] == [row[1] for row in rows]
    assert Household.objects.get(pk=ids[0]).created_at == now


def test_dates_decimals_and_foreign_keys_read_back_unchanged(personas: dict[str, Any]) -> None:
    now = timezone.now()
    [household_id] = insert_rows(
        Household,
        HOUSEHOLD_FIELDS,
        [(VILLAGE_A1, "一组", "rural", "", "", "", "", "", now, now)],
        returning=True,
    )
    fields = ["household", "category", "monthly_amount", "period_start", "period_end", "source", "exclusion"]
    rows = [
        (household_id, IncomeCategory.WAGE, Decimal("1234.50"), date(2025, 1, 1), None, "务工", ""),
        (household_id, IncomeCategory.TRANSFER, Decimal("0.01"), None, date(2025, 6, 30), "养老金", ""),
    ]
    assert insert_rows(IncomeItem, fields, rows) == []
    items = list(IncomeItem.objects.filter(household_id=household_id).order_by("monthly_amount"))
    assert [(i.category, i.monthly_amount, i.period_start, i.period_end) for i in items] == [
        (IncomeCategory.TRANSFER, Decimal("0.01"), None, date(2025, 6, 30)),
        (IncomeCategory.WAGE, Decimal("1234.50"), date(2025, 1, 1), None),
    ]


def test_no_rows_is_no_query(db: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert insert_rows(Household, HOUSEHOLD_FIELDS, [], returning=True) == []


def test_reserved_ids_are_new_and_later_inserts_continue_after_them(personas: dict[str, Any]) -> None:
    now = timezone.now()
    row = (VILLAGE_A1, "一组", "rural", "", "", "", "", "", now, now)
    with transaction.atomic():
        [before] = insert_rows(Household, HOUSEHOLD_FIELDS, [row], returning=True)
        ids = list(reserve_ids(Household, 3))
        assert len(set(ids)) == 3 and min(ids) > before
        insert_rows(Household, ["id", *HOUSEHOLD_FIELDS], [(pk, *row) for pk in ids])
        after = Household.objects.create(region_id=VILLAGE_A2, address="二组", hukou_type="rural")
    assert after.pk > max(ids)
    assert set(Household.objects.filter(pk__in=ids).values_list("region_id", flat=True)) == {VILLAGE_A1}


def test_the_sqlite_cache_is_enlarged_and_restored(db: None) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite pragma")

    def size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return int(cursor.fetchone()[0])

    before = size()
    with sqlite_cache(mib=64):
        assert size() == -64 * 1024
    assert size() == before


def test_the_background_writer_writes_in_the_callers_transaction(personas: dict[str, Any]) -> None:
    now = timezone.now()
    before = Household.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        with BackgroundWriter() as writer:
            for chunk in range(3):
                rows = [
                    (VILLAGE_A1, f"{chunk}-{i} 号", "rural", "", "", "", "", "", now, now) for i in range(500)
                ]
                writer.put(Household, HOUSEHOLD_FIELDS, rows)
            writer.flush()
            assert Household.objects.count() == before + 1500  # visible inside the transaction ...
        _ = 1 / 0
    assert Household.objects.count() == before  # ... and gone with it


def test_an_error_on_the_writers_thread_is_raised_on_the_callers(personas: dict[str, Any]) -> None:
    now = timezone.now()
    row = (VILLAGE_A1, "一组", "rural", "", "", "", "", "", now, now)
    with pytest.raises(IntegrityError), transaction.atomic():
        [pk] = insert_rows(Household, HOUSEHOLD_FIELDS, [row], returning=True)
        with BackgroundWriter() as writer:
            writer.put(Household, ["id", *HOUSEHOLD_FIELDS], [(pk, *row)])  # the same id again
            writer.flush()
