"""`minzheng serve --workers` defaults to the machine's size (issue 17)."""

from __future__ import annotations

from minzheng.demo.management.commands.serve import default_workers


def test_the_default_is_two_workers_per_core_plus_one() -> None:
    assert default_workers(1) == 3
    assert default_workers(2) == 5


def test_the_default_is_capped_on_big_machines() -> None:
    assert default_workers(16) == 9
