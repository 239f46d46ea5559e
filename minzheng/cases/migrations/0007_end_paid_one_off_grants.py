"""One-off grants already paid by an approved roster end now, as the approval ends them from now on: they leave the
live benefits (quota counts, the public roll, reports in force) with a change to 0 from the month after their own,
and their span closes there."""

from django.db import migrations

PAID_STATES = ["approved", "exported", "reconciled", "closed"]
LIVE_STATES = ["active", "tapering", "suspended"]
#: marks the changes this migration wrote, so the reverse removes exactly those
REASON = "一次性发放：已列入审批的发放名册(升级时补记)"


def _next_month(day):
    return (
        day.replace(year=day.year + 1, month=1, day=1)
        if day.month == 12
        else day.replace(month=day.month + 1, day=1)
    )


def forward(apps, schema_editor):
    Benefit = apps.get_model("cases", "Benefit")
    BenefitChange = apps.get_model("benefits", "BenefitChange")
    BenefitSpan = apps.get_model("benefits", "BenefitSpan")
    RosterLine = apps.get_model("payments", "RosterLine")
    paid = RosterLine.objects.filter(cycle__state__in=PAID_STATES, regular_amount__gt=0).values("benefit_id")
    benefits = list(
        Benefit.objects.filter(period="one_off", state__in=LIVE_STATES, pk__in=paid).only(
            "pk", "region_id", "amount", "first_month"
        )
    )
    for start in range(0, len(benefits), 2000):
        part = benefits[start : start + 2000]
        BenefitChange.objects.bulk_create(
            [
                BenefitChange(
                    benefit_id=b.pk,
                    region_id=b.region_id,
                    kind="stopped",
                    effective_month=_next_month(b.first_month),
                    old_amount=b.amount,
                    new_amount=0,
                    reason=REASON,
                )
                for b in part
            ]
        )
        Benefit.objects.filter(pk__in=[b.pk for b in part]).update(state="ended")
        for b in part:  # the span of a one-off grant is its first month
            BenefitSpan.objects.filter(benefit_id=b.pk, until__isnull=True).update(
                until=_next_month(b.first_month)
            )


def backward(apps, schema_editor):
    Benefit = apps.get_model("cases", "Benefit")
    BenefitChange = apps.get_model("benefits", "BenefitChange")
    BenefitSpan = apps.get_model("benefits", "BenefitSpan")
    changes = BenefitChange.objects.filter(reason=REASON)
    ids = list(changes.values_list("benefit_id", flat=True))
    for change in changes:
        BenefitSpan.objects.filter(benefit_id=change.benefit_id, until=change.effective_month).update(
            until=None
        )
    changes.delete()
    Benefit.objects.filter(pk__in=ids, state="ended").update(state="active")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_recurring_conscript_allowances"),
        ("benefits", "0005_benefit_spans"),
        ("payments", "0002_rosterline_cycle_program_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]
