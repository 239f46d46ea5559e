"""Seed the holiday table for 2004-2026 from the chinese-calendar package (data only; see core/calendar_seed.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from minzheng.core.calendar_seed import package_rows

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    years, rows = package_rows()
    existing = set(CalendarYear.objects.values_list("year", flat=True))
    CalendarYear.objects.bulk_create(
        [
            CalendarYear(
                year=y,
                source="seed",
                notice=f"国务院办公厅关于{y}年部分节假日安排的通知",
            )
            for y in years
            if y not in existing
        ]
    )
    have = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=d, year_id=d.year, kind=kind, name=name)
            for d, kind, name in rows
            if d not in have
        ],
        batch_size=500,
    )


def unseed(apps, schema_editor):
    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarYear.objects.filter(source="seed").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_calendar_tables")]
    operations = [migrations.RunPython(seed, unseed)]
