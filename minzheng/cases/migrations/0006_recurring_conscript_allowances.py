"""A quarterly or yearly 义务兵家庭优待金 was recorded as a one-off grant (paid once, then never again): give it the
period its decision was made for, so the roster pays it every quarter or year from its first month (YF-11)."""

from django.db import migrations

#: the decision's fact ``payment_frequency`` → the benefit's period
PERIODS = {"quarterly": "quarterly", "annual": "yearly"}


def forward(apps, schema_editor):
    Benefit = apps.get_model("cases", "Benefit")
    for benefit in Benefit.objects.filter(program="conscript_family", period="one_off").only(
        "pk", "decision"
    ):
        frequency = ((benefit.decision or {}).get("facts") or {}).get("payment_frequency")
        if frequency in PERIODS:
            Benefit.objects.filter(pk=benefit.pk).update(period=PERIODS[frequency])


def backward(apps, schema_editor):
    Benefit = apps.get_model("cases", "Benefit")
    Benefit.objects.filter(program="conscript_family", period__in=list(PERIODS.values())).update(
        period="one_off"
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_benefit_periods_ended_property_finding_materials_time")]

    operations = [migrations.RunPython(forward, backward)]
