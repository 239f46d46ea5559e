from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minzheng.core.models import DayKind
from minzheng.core.validators import TextForm


class DeadlineForm(TextForm):
    start = forms.DateField(label=_("起算日期"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("工作日数"), min_value=-400, max_value=400, initial=30)


class CalendarYearForm(TextForm):
    year = forms.IntegerField(label=_("年度"), min_value=2004, max_value=2100)
    notice = forms.CharField(
        label=_("依据文件"),
        max_length=200,
        help_text=_("如：国办发明电〔2026〕X号 国务院办公厅关于2027年部分节假日安排的通知"),
    )


class CalendarDayForm(TextForm):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("类型"), choices=DayKind.choices)
    name = forms.CharField(
        label=_("名称"), max_length=50, required=False, help_text=_("如：春节、国庆节调休")
    )


class CalendarDayRemoveForm(TextForm):
    date = forms.DateField(widget=forms.HiddenInput)
