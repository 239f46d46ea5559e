from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minzheng.cases.models import FinancialCheck
from minzheng.cases.services import VISIT_METHODS
from minzheng.core.validators import TextForm
from minzheng.rules.programs import PROGRAMS


class ApplicationForm(TextForm):
    program = forms.ChoiceField(label=_("救助项目"))
    applicant = forms.TypedChoiceField(label=_("申请人"), coerce=int)
    subject = forms.TypedChoiceField(
        label=_("救助对象(按人申请的项目)"), coerce=int, required=False, empty_value=None
    )
    reason = forms.CharField(label=_("申请理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    on_behalf = forms.BooleanField(label=_("委托申请(由他人代为申请)"), required=False)
    proxy_name = forms.CharField(label=_("受托人"), max_length=50, required=False)
    proxy_relation = forms.CharField(label=_("受托人与申请人关系"), max_length=50, required=False)
    proxy_document = forms.TypedChoiceField(
        label=_("委托书(档案中的材料)"), coerce=int, required=False, empty_value=None
    )
    proactive = forms.BooleanField(label=_("工作人员主动发现"), required=False)
    near_relative = forms.BooleanField(
        label=_("申请人或家庭成员是经办人员、村(居)干部的近亲属"), required=False
    )
    urgent = forms.BooleanField(label=_("急难情形(临时救助先行救助)"), required=False)

    def __init__(self, *args: Any, members: list[Any], documents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [  # type: ignore[attr-defined]
            (code, p.label) for code, p in PROGRAMS.items() if code != "elder_ability"
        ]
        people = [(m.pk, f"{m.name}({m.get_relation_display()})") for m in members if m.date_of_death is None]
        # a member who died can be the person of a funeral subsidy (the services refuse it for other programs)
        deceased = [
            (m.pk, _("%(name)s(%(relation)s，已故)") % {"name": m.name, "relation": m.get_relation_display()})
            for m in members
            if m.date_of_death is not None
        ]
        self.fields["applicant"].choices = people  # type: ignore[attr-defined]
        self.fields["subject"].choices = [("", _("同申请人")), *people, *deceased]  # type: ignore[attr-defined]
        self.fields["proxy_document"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (d.pk, f"{d.get_doc_type_display()} · {d.original_name}") for d in documents
        ]


class _WithDocument(TextForm):
    """A step's signed record or scan: one of the household file's documents (uploaded there first)."""

    document = forms.TypedChoiceField(
        label=_("签字记录或扫描件(档案中的材料)"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, documents: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (d.pk, f"{d.get_doc_type_display()} · {d.original_name}") for d in documents or []
        ]


class VisitForm(_WithDocument):
    visited_on = forms.DateField(label=_("调查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    staff = forms.TypedMultipleChoiceField(label=_("调查人员(至少 2 人)"), coerce=int)
    methods = forms.MultipleChoiceField(
        label=_("调查方式"), choices=list(VISIT_METHODS.items()), widget=forms.CheckboxSelectMultiple
    )
    members_present = forms.CharField(label=_("在场家庭成员"), max_length=200)
    property_finding = forms.ChoiceField(
        label=_("家庭财产状况(入户核实)"),
        choices=[("", _("未作判断(按档案登记)")), ("ok", _("符合当地规定")), ("excess", _("超过当地规定"))],
        required=False,
    )
    member_signed = forms.BooleanField(label=_("在场家庭成员已在调查表上签字"), required=False)
    remote = forms.BooleanField(label=_("电话或视频方式(仅限重大突发事件期间)"), required=False)
    findings = forms.CharField(label=_("调查情况"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, staff: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [(u.pk, f"{u.display_name}({u.get_role_display()})") for u in staff]  # type: ignore[attr-defined]


class CheckForm(_WithDocument):
    checked_on = forms.DateField(label=_("核对日期"), widget=forms.DateInput(attrs={"type": "date"}))
    result = forms.ChoiceField(label=_("核对结果"), choices=FinancialCheck.Result.choices)
    summary = forms.CharField(label=_("核对情况"), widget=forms.Textarea(attrs={"rows": 3}))


class AppraisalForm(_WithDocument):
    held_on = forms.DateField(label=_("评议日期"), widget=forms.DateInput(attrs={"type": "date"}))
    entitled = forms.IntegerField(label=_("应到人数"), min_value=1)
    present = forms.IntegerField(label=_("实到人数"), min_value=0)
    agree = forms.IntegerField(label=_("同意人数"), min_value=0)


class ReviewForm(TextForm):
    agree = forms.TypedChoiceField(
        label=_("初审意见"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("同意测算结果")), ("no", _("不同意(写明理由)"))],
    )
    amount = forms.DecimalField(
        label=_("拟保障金额(改动须写明理由)"), required=False, max_digits=14, decimal_places=2
    )
    opinion = forms.CharField(label=_("意见及理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DecideForm(TextForm):
    approve = forms.TypedChoiceField(
        label=_("决定"), coerce=lambda v: v == "yes", choices=[("yes", _("确认")), ("no", _("不予确认"))]
    )
    amount = forms.DecimalField(
        label=_("确认金额(空为初审金额)"), required=False, max_digits=14, decimal_places=2
    )
    reasons = forms.CharField(
        label=_("不予确认的理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReasonForm(TextForm):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionRouteForm(TextForm):
    route = forms.ChoiceField(
        label=_("处理方式"), choices=[("reinvestigate", _("重新调查")), ("appraisal", _("民主评议"))]
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MaterialsForm(TextForm):
    extra = forms.CharField(
        label=_("其他需补正的材料(每行一项)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PrepayForm(TextForm):
    amount = forms.DecimalField(label=_("先行救助金额(元)"), max_digits=14, decimal_places=2)


class ObjectionForm(TextForm):
    """The public form (no login): name optional."""

    name = forms.CharField(label=_("姓名(可不填)"), max_length=50, required=False)
    contact = forms.CharField(label=_("联系方式"), max_length=50)
    text = forms.CharField(label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class QuotaForm(TextForm):
    region = forms.CharField(label=_("地区代码"), max_length=15)
    program = forms.ChoiceField(label=_("救助项目"), choices=[(c, p.label) for c, p in PROGRAMS.items()])
    limit = forms.IntegerField(label=_("名额"), min_value=0)
    note = forms.CharField(label=_("依据"), max_length=200)
