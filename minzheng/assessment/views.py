from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from minzheng.accounts.roles import Capability
from minzheng.assessment.cases import decision_json, explain
from minzheng.assessment.forms import request_fields, request_from_post
from minzheng.assessment.live import REGISTRY_REQUEST_FIELDS
from minzheng.assessment.services import assess_case, assess_household
from minzheng.core.api import read_json
from minzheng.core.decorators import capability_required
from minzheng.core.errors import DomainError
from minzheng.registry import selectors as registry
from minzheng.rules.programs import PROGRAMS

PROPERTY_CHOICES = {
    "auto": gettext_lazy("按档案判断(无非豁免财产即符合)"),
    "yes": gettext_lazy("经核定符合规定"),
    "no": gettext_lazy("超过当地规定"),
}
ASSISTANCE_CHOICES = {
    "auto": gettext_lazy("按档案(现享受的待遇和边缘家庭认定)"),
    "": gettext_lazy("无"),
    "dibao": gettext_lazy("低保"),
    "near_dibao": gettext_lazy("低保边缘"),
    "tekun": gettext_lazy("特困"),
}


def _typed_status(value: str) -> str | None:
    """The page's choice: None reads the household's status from its benefits; a listed value is a what-if."""
    if value == "auto" or value not in ASSISTANCE_CHOICES:
        return None
    return value


@require_POST
@capability_required(Capability.ASSESS)
def api_assess(request: HttpRequest) -> JsonResponse:
    """POST /api/v1/assess: CASE.json in, the decision out (token or session auth)."""
    data = read_json(request)  # BadJson and every DomainError → the API error shape (DomainErrorMiddleware)
    case, decision = assess_case(data)  # DomainError → the API error shape (DomainErrorMiddleware)
    body = decision_json(decision, case)
    if request.GET.get("explain"):
        body["explanation"] = explain(decision, case)
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@require_http_methods(["GET", "POST"])
@capability_required(Capability.ASSESS)
def household_assess(request: HttpRequest, pk: int) -> HttpResponse:
    """测算: any program on the live household, with the decision's breakdown, before anyone applies."""
    household = registry.household_get(user=request.user, pk=pk)
    members = list(household.members.filter(date_of_death__isnull=True).order_by("pk"))
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("program", "dibao")
    program = PROGRAMS.get(code) or PROGRAMS["dibao"]
    context: dict[str, object] = {
        "household": household,
        "members": members,
        "programs": PROGRAMS,
        "program": program,
        "fields": [
            f
            for f in request_fields(program, source if request.method == "POST" else None)
            if f.name not in REGISTRY_REQUEST_FIELDS  # taken from the file (live.registry_request)
        ],
        "posted": source,
        "property_choices": PROPERTY_CHOICES,
        "assistance_choices": ASSISTANCE_CHOICES,
        "status_choice": source.get("assistance_status", "auto"),
        "on": source.get("on") or timezone.localdate().isoformat(),
    }
    status = 200
    if request.method == "POST":
        try:
            try:
                on = date.fromisoformat(str(context["on"]))
            except ValueError:
                raise DomainError(_("测算日期格式应为 YYYY-MM-DD")) from None
            prop = source.get("property", "auto")
            case, decision = assess_household(
                household=household,
                program_code=program.code,
                on=on,
                request=request_from_post(program, source),
                property_ok={"yes": True, "no": False}.get(prop),
                assistance_status=_typed_status(source.get("assistance_status", "auto")),
            )
        except DomainError as exc:
            context["error"] = exc
            status = 400
        else:
            context["decision"] = decision
            context["case"] = case
            # what the rules were told the household receives (read from its benefits unless typed)
            context["status_used"] = ASSISTANCE_CHOICES.get(case.household.assistance_status, "")
            context["explanation"] = explain(decision, case)
    return render(request, "assessment/household_assess.html", context, status=status)
