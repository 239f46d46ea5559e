from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minzheng.core.scope import scope_code_for
from minzheng.core.validators import TextForm, upload_too_large
from minzheng.payments.bankfiles import COLUMNS
from minzheng.payments.models import BankTemplate, Encoding, FileFormat
from minzheng.regions.models import Region
from minzheng.rules.programs import PROGRAMS

#: programs that are paid through rosters (an assessment of care needs pays nothing)
PAID_PROGRAMS = [code for code in PROGRAMS if code != "elder_ability"]


class MonthField(forms.DateField):
    """<input type=month>: "2026-12" → date(2026, 12, 1)."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value: Any) -> date | None:
        result = super().to_python(value)
        return result.replace(day=1) if result else result


class GenerateForm(TextForm):
    region = forms.ChoiceField(label=_("范围"))
    programs = forms.MultipleChoiceField(
        label=_("救助项目(可多选，一起发放)"),
        choices=[(code, PROGRAMS[code].label) for code in PAID_PROGRAMS],
        widget=forms.CheckboxSelectMultiple,
        initial=["dibao"],
    )
    month = MonthField(label=_("发放月份(按季发放填季度首月)"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_code_for(user) or ""
        regions = Region.objects.filter(code=scope) | Region.objects.filter(parent_id=scope, level="township")
        choices = [(r.code, r.name) for r in regions.order_by("code")]
        self.fields["region"].choices = choices  # type: ignore[attr-defined]
        self.fields["month"].initial = f"{timezone.localdate():%Y-%m}"  # what <input type=month> shows


class ReturnForm(TextForm):
    file = forms.FileField(label=_("银行回盘文件(.xlsx 或 .csv)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if error := upload_too_large(upload):
            raise forms.ValidationError(error)
        return upload


class TemplateForm(TextForm):
    name = forms.CharField(label=_("模板名称"), max_length=100)
    file_format = forms.ChoiceField(label=_("文件格式"), choices=FileFormat.choices)
    encoding = forms.ChoiceField(label=_("编码(CSV)"), choices=Encoding.choices)
    columns = forms.CharField(
        label=_("列(每行一列：列代码=表头)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("可用列代码：") + "、".join(COLUMNS),
    )
    totals_row = forms.BooleanField(label=_("末行合计"), required=False, initial=True)

    def __init__(self, data: Any = None, *, instance: BankTemplate | None = None) -> None:
        initial = None
        if instance is not None:
            initial = {
                "name": instance.name,
                "file_format": instance.file_format,
                "encoding": instance.encoding,
                "columns": "\n".join(f"{k}={h}" for k, h in instance.columns),
                "totals_row": instance.totals_row,
            }
        super().__init__(data, initial=initial)


class ReconciliationForm(forms.Form):
    """应发 vs 实发: the months to compare (default this year through the last approved roster) and a program."""

    first = MonthField(label=_("起始月份"), required=False)
    last = MonthField(label=_("截止月份"), required=False)
    program = forms.ChoiceField(
        label=_("救助项目"),
        required=False,
        choices=[("", _("全部项目")), *((code, PROGRAMS[code].label) for code in PAID_PROGRAMS)],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first"), data.get("last")
        if first and last and first > last:
            self.add_error("last", _("截止月份不能早于起始月份"))
        if first and last and (last.year - first.year) * 12 + last.month - first.month >= 60:
            self.add_error("first", _("一次最多核对 60 个月"))
        return data
