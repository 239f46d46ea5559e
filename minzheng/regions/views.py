from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from minzheng.accounts.roles import Capability
from minzheng.core.decorators import capability_required
from minzheng.core.scope import scope_code_for
from minzheng.core.validators import TextForm, upload_too_large
from minzheng.regions import selectors, services


class RegionImportForm(TextForm):
    file = forms.FileField(label=_("区划文件(.xlsx 或 .csv)"))


@require_GET
@capability_required(Capability.VIEW_REGIONS)
def region_index(request: HttpRequest) -> HttpResponse:
    root = selectors.region_root_for_user(user=request.user)
    children = selectors.region_children(user=request.user, parent=root) if root else []
    return render(
        request, "regions/region_detail.html", {"region": root, "children": children, "ancestors": []}
    )


@require_GET
@capability_required(Capability.VIEW_REGIONS)
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = selectors.region_get(user=request.user, code=code)
    scope = scope_code_for(request.user) or ""
    ancestors = [a for a in selectors.region_ancestors(region) if a.code.startswith(scope)]
    children = selectors.region_children(user=request.user, parent=region)
    return render(
        request,
        "regions/region_detail.html",
        {"region": region, "children": children, "ancestors": ancestors},
    )


@capability_required(Capability.IMPORT_REGIONS)
def region_import(request: HttpRequest) -> HttpResponse:
    form = RegionImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if error := upload_too_large(upload):
            form.add_error("file", error)
            status = 400
        else:
            try:
                context["result"] = services.regions_import(
                    actor=request.user, source=upload, filename=upload.name
                )
            except services.RegionImportError as exc:
                context["import_error"] = exc
                status = 400
            except services.ValidationFailed as exc:
                form.add_error("file", str(exc.message))
                status = 400
    elif request.method == "POST":
        status = 400
    return render(request, "regions/region_import.html", context, status=status)


def _region_json(region: object) -> dict[str, object]:
    return {
        "code": region.code,  # type: ignore[attr-defined]
        "code12": region.code12,  # type: ignore[attr-defined]
        "name": region.name,  # type: ignore[attr-defined]
        "level": region.level,  # type: ignore[attr-defined]
        "parent": region.parent_id,  # type: ignore[attr-defined]
        "urban_rural_class": region.urban_rural_class,  # type: ignore[attr-defined]
    }


@require_GET
@capability_required(Capability.VIEW_REGIONS)
def api_region_list(request: HttpRequest) -> JsonResponse:
    from minzheng.regions.models import Region

    queryset = Region.objects.visible_to(request.user)
    if parent := request.GET.get("parent"):
        queryset = queryset.filter(parent_id=parent)
    if level := request.GET.get("level"):
        queryset = queryset.filter(level=level)
    results = [_region_json(r) for r in queryset.order_by("code")[:2000]]
    return JsonResponse({"count": len(results), "results": results})


@require_GET
@capability_required(Capability.VIEW_REGIONS)
def api_region_detail(request: HttpRequest, code: str) -> JsonResponse:
    return JsonResponse(_region_json(selectors.region_get(user=request.user, code=code)))
