"""Benefit spans: the months each benefit pays more than 0, kept beside its history for the dashboard.

In force in month M (``reports.indicators.in_force``): the benefit's first month is on or before M and its latest
change dated on or before M (by month, then id) pays more than 0. So a change holds from its month until the
benefit's next change (of two in one month the earlier holds for no month), and not before the first month: each
change paying more than 0 is a span [max(its month, first month), next change's month), empty spans left out.
The history only grows and a benefit's program, region, persons and first month are fixed when it is approved,
so refreshing the benefits whose history was written, in the same transaction, keeps the table exact."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from minzheng.benefits.models import BenefitChange, BenefitSpan
from minzheng.cases.models import Benefit
from minzheng.core.batch import many_ids


def _insert_sql(where: str) -> str:
    span, benefit, change = (
        connection.ops.quote_name(m._meta.db_table) for m in (BenefitSpan, Benefit, BenefitChange)
    )
    # the ids come in as one parameter (``many_ids``) or not at all (a rebuild)
    return f"""
        INSERT INTO {span} (benefit_id, program, region_id, persons, start, until)
        SELECT benefit_id, program, region_id, persons, start, until FROM (
            SELECT b.id AS benefit_id, b.program AS program, b.region_id AS region_id,
                b.members_covered AS persons, c.new_amount AS new_amount,
                CASE WHEN c.effective_month > b.first_month THEN c.effective_month ELSE b.first_month END AS start,
                LAG(c.effective_month) OVER (
                    PARTITION BY c.benefit_id ORDER BY c.effective_month DESC, c.id DESC
                ) AS until
            FROM {benefit} b JOIN {change} c ON c.benefit_id = b.id
            {where}
        ) spans
        WHERE new_amount > 0 AND (until IS NULL OR until > start)
    """  # noqa: S608 - identifiers from model metadata


def spans_refresh(benefit_ids: Iterable[int]) -> None:
    """Make the spans of these benefits again from their history (call inside the transaction that wrote it)."""
    ids = sorted({int(i) for i in benefit_ids})
    if not ids:
        return
    BenefitSpan.objects.filter(benefit_id__in=many_ids(ids)).delete()
    keys = many_ids(ids)
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(f"WHERE b.id IN ({keys.sql})"), keys.params)


def spans_rebuild() -> int:
    """Every benefit's spans from scratch (a migration, a bulk load that wrote history directly); the count."""
    BenefitSpan.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(""))
    return BenefitSpan.objects.count()
