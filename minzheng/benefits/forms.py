from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from minzheng.cases.forms import VisitForm
from minzheng.cases.models import FinancialCheck


class ReviewVisitForm(VisitForm):
    """定期复核: the home visit (two staff, the members' signature) and the financial check, in one go."""

    result = forms.ChoiceField(label=_("核对结果"), choices=FinancialCheck.Result.choices)
    summary = forms.CharField(label=_("核对情况"), widget=forms.Textarea(attrs={"rows": 2}))
