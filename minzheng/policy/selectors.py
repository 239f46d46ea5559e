"""Reading policy: what is in force for a region on a date, and where each number came from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.utils.translation import gettext as _

from minzheng.policy.models import PolicyVersion
from minzheng.policy.presets import preset
from minzheng.policy.resolve import Layer, PolicySet, resolve
from minzheng.regions.models import LEVEL_DIGITS


def region_chain(region_code: str) -> list[str]:
    """The region's ancestors' codes from the province down, then its own."""
    return [region_code[:n] for n in LEVEL_DIGITS.values() if n < len(region_code)] + [region_code]


def _layers_for(row: PolicyVersion, region_name: str) -> list[Layer]:
    layers = []
    origin = _("%(region)s %(date)s 起") % {"region": region_name, "date": row.effective_from.isoformat()}
    if row.preset:
        chosen = preset(row.preset)
        layers.append(
            Layer(
                origin=_("%(origin)s(预设：%(label)s)") % {"origin": origin, "label": chosen.label},
                values=chosen.values,
            )
        )
    layers.append(Layer(origin=origin, values=row.values))
    return layers


def policy_layers(region_code: str, on: date, *, include_own: bool = True) -> list[Layer]:
    """For each region from the province down, its latest row in force on ``on`` (one query)."""
    chain = region_chain(region_code) if include_own else region_chain(region_code)[:-1]
    rows = (
        PolicyVersion.objects.filter(region_id__in=chain, effective_from__lte=on)
        .select_related("region")
        .order_by("region_id", "-effective_from")
    )
    latest: dict[str, PolicyVersion] = {}
    for row in rows:
        latest.setdefault(row.region_id, row)
    layers: list[Layer] = []
    for code in chain:
        if code in latest:
            layers.extend(_layers_for(latest[code], latest[code].region.name))
    return layers


def policy_for(region_code: str, on: date) -> PolicySet:
    """Every parameter in force for a region on a date (national defaults overridden from the province down)."""
    return resolve(policy_layers(region_code, on))


def inherited_policy(region_code: str, on: date) -> PolicySet:
    """What the region's parents set (what a new row at this region is compared against)."""
    return resolve(policy_layers(region_code, on, include_own=False))


def policy_history(region_code: str) -> list[PolicyVersion]:
    """Every row of the region and its ancestors, newest first."""
    return list(
        PolicyVersion.objects.filter(region_id__in=region_chain(region_code))
        .select_related("region", "created_by")
        .order_by("-effective_from", "-region_id")
    )


def policy_memo() -> Callable[[str, date], PolicySet]:
    """policy_for for a whole batch: every row read once, each distinct chain of rows resolved once (a county's
    villages almost always share their parents' rows, so a 60,000-benefit batch resolves a handful of policies)."""
    rows = list(PolicyVersion.objects.select_related("region").order_by("region_id", "-effective_from"))
    by_region: dict[str, list[PolicyVersion]] = {}
    for row in rows:
        by_region.setdefault(row.region_id, []).append(row)
    resolved: dict[tuple[int, ...], PolicySet] = {}
    seen: dict[tuple[str, date], PolicySet] = {}

    def get(region_code: str, on: date) -> PolicySet:
        key = (region_code, on)
        if key in seen:
            return seen[key]
        chosen = []
        for code in region_chain(region_code):
            row = next((r for r in by_region.get(code, []) if r.effective_from <= on), None)
            if row is not None:
                chosen.append(row)
        chain_key = tuple(r.pk for r in chosen)
        if chain_key not in resolved:
            layers: list[Layer] = []
            for row in chosen:
                layers.extend(_layers_for(row, row.region.name))
            resolved[chain_key] = resolve(layers)
        seen[key] = resolved[chain_key]
        return seen[key]

    return get


def own_values(region_code: str, on: date) -> dict[str, object]:
    """The values the region's own latest row in force on ``on`` sets (what a new row starts from)."""
    row = (
        PolicyVersion.objects.filter(region_id=region_code, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    return dict(row.values) if row is not None else {}
