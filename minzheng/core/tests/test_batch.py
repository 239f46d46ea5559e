"""Batch helpers: thousands of keys as one parameter, and the garbage collector paused and restored."""

from __future__ import annotations

import gc

import pytest

from minzheng.core.batch import many_ids, many_texts, without_cyclic_gc
from minzheng.core.models import CalendarYear
from minzheng.regions.models import Region

pytestmark = pytest.mark.django_db


def test_many_ids_selects_exactly_the_rows_an_in_list_selects() -> None:
    seeded = set(CalendarYear.objects.values_list("pk", flat=True))  # 2004–2026 from the data migration
    wanted = [2004, 2010, 2026, 1999, *range(3000, 9000)]  # 6,000 keys, most of them absent
    got = set(CalendarYear.objects.filter(pk__in=many_ids(wanted)).values_list("pk", flat=True))
    assert got == seeded & set(wanted) == {2004, 2010, 2026}
    assert not CalendarYear.objects.filter(pk__in=many_ids([])).exists()


def test_many_ids_takes_integers_only() -> None:
    with pytest.raises(ValueError):
        many_ids(["1); DROP TABLE core_calendaryear; --"])  # type: ignore[list-item]


def test_many_texts_selects_exactly_the_rows_an_in_list_selects() -> None:
    codes = list(Region.objects.values_list("code", flat=True)[:3])
    wanted = [*codes, "no such code", "O'Brien\"; --", *(f"x{i}" for i in range(5000))]
    got = set(Region.objects.filter(code__in=many_texts(wanted)).values_list("code", flat=True))
    assert got == set(codes) and len(codes) == 3
    assert not Region.objects.filter(code__in=many_texts([])).exists()


def test_the_collector_is_paused_and_restored() -> None:
    assert gc.isenabled()
    with without_cyclic_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
