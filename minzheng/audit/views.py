from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.roles import Capability
from minzheng.audit.events import EVENT_LABELS
from minzheng.audit.keys import ID_NUMBER_TARGET, id_number_hash
from minzheng.audit.models import AuditEvent
from minzheng.audit.selectors import audit_event_list
from minzheng.audit.tasks import audit_verify_task
from minzheng.core.decorators import capability_required
from minzheng.core.scope import get_visible_or_404
from minzheng.core.validators import TextForm


class AuditFilterForm(TextForm):
    region = forms.CharField(label=_("区划代码"), required=False, max_length=15)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    # Duplicate-ID answers are audited under a keyed hash of the number: typing the number finds every check of it.
    id_number = forms.CharField(label=_("身份证号(查重记录)"), required=False, max_length=18)
    event = forms.ChoiceField(label=_("事件"), required=False)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        domains = sorted({code.split(".")[0] for code in EVENT_LABELS})
        choices = (
            [("", _("全部"))]
            + [(d, f"{d}.*") for d in domains]
            + [(c, f"{c} {label}") for c, label in sorted(EVENT_LABELS.items())]
        )
        self.fields["event"].choices = choices  # type: ignore[attr-defined]


@require_GET
@capability_required(Capability.VIEW_AUDIT)
def event_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = audit_event_list(
        user=request.user,
        region_code=filters.get("region") or "",
        actor=filters.get("actor") or "",
        event_code=filters.get("event") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        **(
            {"target_type": ID_NUMBER_TARGET, "target_id": id_number_hash(filters["id_number"])}
            if filters.get("id_number")
            else {}
        ),
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/event_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "labels": EVENT_LABELS},
    )


@require_GET
@capability_required(Capability.VIEW_AUDIT)
def event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    event = get_visible_or_404(AuditEvent.objects.select_related("region"), request.user, seq=seq)
    return render(request, "audit/event_detail.html", {"event": event, "labels": EVENT_LABELS})


@require_POST
@capability_required(Capability.VIEW_AUDIT)
def verify_start(request: HttpRequest) -> HttpResponse:
    result = audit_verify_task.enqueue()
    request.session["audit_verify_task"] = str(result.id)
    return redirect("audit:verify_status")


@require_GET
@capability_required(Capability.VIEW_AUDIT)
def verify_status(request: HttpRequest) -> HttpResponse:
    task_id = request.session.get("audit_verify_task")
    result = None
    if task_id:
        try:
            result = audit_verify_task.get_result(task_id)
        except Exception:  # the result row was pruned
            result = None
    return render(request, "audit/verify_status.html", {"result": result})
