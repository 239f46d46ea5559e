from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from minzheng.accounts.roles import Capability
from minzheng.core.decorators import capability_required
from minzheng.core.errors import DomainError, ValidationFailed
from minzheng.core.scope import covers, scope_code_for
from minzheng.core.validators import checked_text
from minzheng.policy import selectors, services
from minzheng.policy.presets import preset as get_preset
from minzheng.policy.presets import presets
from minzheng.policy.resolve import PARAMETERS, Layer, Parameter, PolicySet, differences, resolve
from minzheng.regions.models import Level, Region
from minzheng.rules.programs import POLICY_CLASSES, PROGRAMS

NAMESPACE_LABELS = {
    "procedure": gettext_lazy("办理程序(公示电话、时限等)"),
    "payments": gettext_lazy("待遇发放(发放频率、补发、抵扣、核对)"),
}


@dataclass(frozen=True)
class Row:
    parameter: Parameter
    text: str
    shown: str
    origin: str
    error: str = ""
    original: str = ""


def _groups(
    policy: PolicySet,
    texts: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    originals: dict[str, str] | None = None,
) -> list[Any]:
    """Parameters grouped by the programs that read them, in the order of the program table."""
    groups: list[tuple[str, str, list[Row]]] = []
    for namespace in POLICY_CLASSES:
        label = "、".join(str(p.label) for p in PROGRAMS.values() if p.policy_key == namespace) or str(
            NAMESPACE_LABELS.get(namespace, namespace)
        )
        rows = [
            Row(
                parameter=p,
                text=(texts or {}).get(p.key, p.text(policy.values[p.key])),
                shown=p.display(policy.values[p.key]),
                origin=policy.origins[p.key],
                error=(errors or {}).get(p.key, ""),
                original=(originals or {}).get(p.key, p.text(policy.values[p.key])),
            )
            for p in PARAMETERS.values()
            if p.namespace == namespace
        ]
        groups.append((namespace, label, rows))
    return groups


def _region(request: HttpRequest, code: str | None) -> Region:
    code = code or str(getattr(request.user, "region_id", "") or "")
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None:
        raise Http404
    return region


def _date(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _can_edit(request: HttpRequest, region: Region) -> bool:
    return (
        request.user.can(Capability.EDIT_POLICY)  # type: ignore[union-attr]
        and covers(scope_code_for(request.user), region.code)
        and region.level not in {Level.VILLAGE, Level.GROUP}
    )


@capability_required(Capability.VIEW_POLICY)
def policy_index(request: HttpRequest) -> HttpResponse:
    """The parameters in force for a region on a date, where each came from, and the history of rows."""
    region = _region(request, request.GET.get("region"))
    on = _date(request.GET.get("on"))
    policy = selectors.policy_for(region.code, on)
    return render(
        request,
        "policy/index.html",
        {
            "region": region,
            "on": on,
            "groups": _groups(policy),
            "history": selectors.policy_history(region.code),
            "can_edit": _can_edit(request, region),
            "presets": presets(),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(Capability.EDIT_POLICY)
def policy_version_add(request: HttpRequest, code: str) -> HttpResponse:
    """A new version for a region: every parameter shown with the value in force; what differs is stored."""
    region = _region(request, code)
    if not _can_edit(request, region):
        raise Http404
    today = timezone.localdate()
    context: dict[str, Any] = {"region": region, "presets": presets(), "form": request.POST}
    if request.method == "GET":
        context["groups"] = _groups(selectors.policy_for(region.code, today))
        context["effective_from"] = today.isoformat()
        return render(request, "policy/version_add.html", context)

    errors: dict[str, str] = {}
    texts = {key: request.POST.get(f"p_{key}", "") for key in PARAMETERS}
    # only what the administrator changed on the form is this version's own: values left as shown keep following
    # the parents and the preset (a parent's later change, a preset's numbers), never pinned by accident
    edited = {key for key, text in texts.items() if text.strip() != request.POST.get(f"o_{key}", "").strip()}
    parsed: dict[str, Any] = {}
    for key in edited:
        try:
            parsed[key] = PARAMETERS[key].parse_text(texts[key])
        except ValidationFailed as exc:
            errors[key] = next(iter(exc.fields.values()))[0] if exc.fields else str(exc.message)
    effective_raw = request.POST.get("effective_from", "")
    preset_name = request.POST.get("preset", "")
    form_error = ""
    try:
        effective = date.fromisoformat(effective_raw)
    except ValueError:
        form_error = _("请填写生效日期(YYYY-MM-DD)")
        effective = today
    if not errors and not form_error:
        layers = selectors.policy_layers(region.code, effective, include_own=False)
        try:
            if preset_name:
                chosen = get_preset(preset_name)
                layers.append(Layer(origin=chosen.label, values=chosen.values))
            own = selectors.own_values(region.code, effective)
            for key, value in differences(resolve(layers), parsed).items():
                own[key] = value
            for key in edited - set(differences(resolve(layers), parsed)):
                own.pop(key, None)  # edited back to what the parents say: no longer this region's own
            services.policy_version_create(
                actor=request.user,
                region_code=region.code,
                effective_from=effective,
                preset=preset_name,
                values=own,
                note=checked_text(request.POST.get("note", ""), field="note"),
            )
        except DomainError as exc:
            form_error = str(exc.message)
        else:
            return redirect(f"{reverse('policy:index')}?region={region.code}&on={effective.isoformat()}")
    current = selectors.policy_for(region.code, effective)
    originals = {key: request.POST.get(f"o_{key}", "") for key in PARAMETERS}
    context.update(
        groups=_groups(current, texts, errors, originals),
        effective_from=effective_raw,
        form_error=form_error
        or (_("有 %(n)s 项参数填写有误，请按提示修改") % {"n": len(errors)} if errors else ""),
    )
    return render(request, "policy/version_add.html", context, status=400)
