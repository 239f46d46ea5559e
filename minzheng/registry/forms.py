from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minzheng.core.validators import TextForm
from minzheng.registry.models import (
    AssetCategory,
    DisabilityCategory,
    DocumentType,
    HukouStatus,
    HukouType,
    IncomeCategory,
    IncomeExclusion,
    NonCoresidentReason,
    Relation,
    Schooling,
    VeteranCategory,
    WorkCapacity,
)
from minzheng.registry.services import HouseholdData
from minzheng.registry.validation import SELF_CARE_KEYS, MemberData

DATE = forms.DateInput(attrs={"type": "date"})
SELF_CARE_CHOICES = [("", _("未评估")), ("yes", _("能")), ("no", _("不能"))]
SELF_CARE_LABELS = {
    "can_eat": _("自主吃饭"),
    "can_dress": _("自主穿衣"),
    "can_transfer": _("自主上下床"),
    "can_toilet": _("自主如厕"),
    "can_walk_indoors": _("室内自主行走"),
    "can_bathe": _("自主洗澡"),
}


class HouseholdForm(TextForm):
    region = forms.ChoiceField(label=_("所属村(社区)"))
    address = forms.CharField(label=_("住址"), max_length=200)
    hukou_type = forms.ChoiceField(label=_("户籍类型"), choices=HukouType.choices)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    bank_name = forms.CharField(label=_("开户银行"), max_length=100, required=False)
    account_holder = forms.CharField(label=_("账户户名"), max_length=50, required=False)
    account_number = forms.CharField(label=_("银行账号(一卡通)"), max_length=40, required=False)

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = villages  # type: ignore[attr-defined]

    def to_data(self) -> HouseholdData:
        d = self.cleaned_data
        return HouseholdData(
            region_code=d["region"],
            address=d["address"],
            hukou_type=d["hukou_type"],
            phone=d["phone"],
            bank_name=d["bank_name"],
            account_holder=d["account_holder"],
            account_number=d["account_number"],
        )


class MemberForm(TextForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=25)
    relation = forms.ChoiceField(label=_("与户主关系"), choices=Relation.choices)
    sex = forms.ChoiceField(
        label=_("性别(可不填，按身份证号)"),
        choices=[("", "—"), ("male", _("男")), ("female", _("女"))],
        required=False,
    )
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    hukou_status = forms.ChoiceField(
        label=_("户籍状况"), choices=HukouStatus.choices, initial=HukouStatus.LOCAL
    )
    is_coresident = forms.BooleanField(label=_("共同生活家庭成员"), required=False, initial=True)
    non_coresident_reason = forms.ChoiceField(
        label=_("不计入原因"), choices=[("", "—"), *NonCoresidentReason.choices], required=False
    )
    away_for_work = forms.BooleanField(label=_("外出务工"), required=False)
    work_capacity = forms.ChoiceField(
        label=_("劳动能力"), choices=WorkCapacity.choices, initial=WorkCapacity.FULL
    )
    schooling = forms.ChoiceField(label=_("在学情况"), choices=Schooling.choices, required=False)
    serious_illness = forms.CharField(label=_("重特大疾病"), max_length=100, required=False)
    disability_category = forms.ChoiceField(
        label=_("残疾类别"), choices=DisabilityCategory.choices, required=False
    )
    disability_grade = forms.TypedChoiceField(
        label=_("残疾等级"),
        choices=[("", "—"), ("1", _("一级")), ("2", _("二级")), ("3", _("三级")), ("4", _("四级"))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    disability_certificate = forms.CharField(label=_("残疾人证号"), max_length=30, required=False)
    veteran_category = forms.ChoiceField(
        label=_("优抚对象类别"), choices=VeteranCategory.choices, required=False
    )
    is_orphan = forms.BooleanField(
        label=_("孤儿"), required=False, help_text=_("享受孤儿基本生活保障(TK-03、CJ-02)")
    )

    def __init__(self, *args: Any, head: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in SELF_CARE_LABELS.items():
            self.fields[key] = forms.ChoiceField(label=label, choices=SELF_CARE_CHOICES, required=False)
        if head:
            self.fields["relation"].choices = [(Relation.HEAD, Relation.HEAD.label)]  # type: ignore[attr-defined]
            self.fields["relation"].initial = Relation.HEAD

    @classmethod
    def initial_from(cls, member: Any) -> dict[str, Any]:
        initial = {
            name: getattr(member, name)
            for name in (
                "name",
                "id_number",
                "relation",
                "sex",
                "phone",
                "hukou_status",
                "is_coresident",
                "non_coresident_reason",
                "away_for_work",
                "work_capacity",
                "schooling",
                "serious_illness",
                "disability_category",
                "disability_grade",
                "disability_certificate",
                "veteran_category",
                "is_orphan",
            )
        }
        for key in SELF_CARE_KEYS:
            value = getattr(member, key)
            initial[key] = "" if value is None else ("yes" if value else "no")
        return initial

    def to_data(self) -> MemberData:
        d = self.cleaned_data
        return MemberData(
            name=d["name"],
            id_number=d["id_number"],
            relation=d["relation"],
            sex=d.get("sex") or "",
            phone=d.get("phone") or "",
            hukou_status=d["hukou_status"],
            is_coresident=bool(d.get("is_coresident")),
            non_coresident_reason=d.get("non_coresident_reason") or "",
            away_for_work=bool(d.get("away_for_work")),
            work_capacity=d["work_capacity"],
            schooling=d.get("schooling") or "",
            serious_illness=d.get("serious_illness") or "",
            disability_category=d.get("disability_category") or "",
            disability_grade=d.get("disability_grade"),
            disability_certificate=d.get("disability_certificate") or "",
            veteran_category=d.get("veteran_category") or "",
            is_orphan=bool(d.get("is_orphan")),
            self_care={key: (None if not d.get(key) else d[key] == "yes") for key in SELF_CARE_KEYS},
        )


class OptionalMemberForm(MemberForm):
    """An extra member row on the new-household page: a row left blank is ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["id_number"].required = False
        self.fields["relation"].required = False
        self.fields["relation"].choices = [("", "—")] + [c for c in Relation.choices if c[0] != Relation.HEAD]  # type: ignore[attr-defined]

    def is_blank(self) -> bool:
        if not self.is_bound:
            return True
        return not any((self.data.get(self.add_prefix(k)) or "").strip() for k in ("name", "id_number"))

    def full_clean(self) -> None:
        if self.is_bound and self.is_blank():
            # A row left empty is not an error, whatever its drop-downs say.
            from django.forms.utils import ErrorDict

            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key in ("name", "id_number", "relation"):
            if not data.get(key):
                self.add_error(key, _("必填"))
        return data


class IncomeForm(TextForm):
    member = forms.ChoiceField(label=_("成员(家庭经营收入可不选)"), required=False)
    category = forms.ChoiceField(label=_("收入类别"), choices=IncomeCategory.choices)
    source = forms.CharField(label=_("收入来源"), max_length=100)
    monthly_amount = forms.DecimalField(label=_("月均金额(元)"), max_digits=14, decimal_places=2, min_value=0)
    exclusion = forms.ChoiceField(label=_("是否计入"), choices=IncomeExclusion.choices, required=False)
    period_start = forms.DateField(label=_("起始月份"), required=False, widget=DATE)
    period_end = forms.DateField(label=_("截止月份"), required=False, widget=DATE)

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—"), *members]  # type: ignore[attr-defined]


class AssetForm(TextForm):
    category = forms.ChoiceField(label=_("财产类别"), choices=AssetCategory.choices)
    description = forms.CharField(label=_("说明"), max_length=200)
    value = forms.DecimalField(
        label=_("价值(元)"), max_digits=14, decimal_places=2, min_value=0, required=False
    )
    quantity = forms.IntegerField(label=_("数量"), min_value=1, initial=1)
    exempt = forms.BooleanField(label=_("生产生活必需(可豁免)"), required=False)


class DocumentForm(TextForm):
    doc_type = forms.ChoiceField(label=_("材料类型"), choices=DocumentType.choices)
    member = forms.ChoiceField(label=_("相关成员"), required=False)
    file = forms.FileField(label=_("文件(PDF、JPEG、PNG，不超过 10 MB)"))

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—"), *members]  # type: ignore[attr-defined]


class MoveForm(TextForm):
    target = forms.IntegerField(label=_("迁入家庭的档案号"), min_value=1)
    relation = forms.ChoiceField(
        label=_("与新户主的关系"), choices=[c for c in Relation.choices if c[0] != Relation.HEAD]
    )


class DeathForm(TextForm):
    date_of_death = forms.DateField(label=_("死亡日期"), widget=DATE)


class RemoveForm(TextForm):
    reason = forms.CharField(label=_("移除原因"), max_length=200)


class HeadForm(TextForm):
    new_head = forms.ChoiceField(label=_("新户主"))
    old_head_relation = forms.ChoiceField(
        label=_("原户主与新户主的关系"), choices=[c for c in Relation.choices if c[0] != Relation.HEAD]
    )

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_head"].choices = members  # type: ignore[attr-defined]


class SplitForm(TextForm):
    members = forms.MultipleChoiceField(label=_("分出的成员"), widget=forms.CheckboxSelectMultiple)
    new_head = forms.ChoiceField(label=_("新户户主"))
    address = forms.CharField(label=_("新户住址"), max_length=200)

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = members  # type: ignore[attr-defined]
        self.fields["new_head"].choices = members  # type: ignore[attr-defined]


class MergeForm(TextForm):
    target = forms.IntegerField(label=_("并入的家庭档案号"), min_value=1)


class SearchForm(TextForm):
    q = forms.CharField(label=_("姓名、拼音首字母、身份证号(或后4/6位)、电话"), required=False, max_length=30)
    village = forms.ChoiceField(label=_("村(社区)"), required=False)

    def __init__(self, *args: Any, villages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("全部"))] + villages  # type: ignore[attr-defined]
