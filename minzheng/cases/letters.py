"""The case's letters as PDFs, in Chinese: acceptance receipt, 补正 list (DB-10), refusal with reasons and remedies
(DB-29, DB-49), approval notice. The wording lives here; the layout in minzheng/pdf."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from minzheng.accounts.roles import Capability
from minzheng.cases import selectors
from minzheng.cases.models import Application, Benefit, Period, Status
from minzheng.core.decorators import capability_required
from minzheng.regions.models import Region

if TYPE_CHECKING:
    from minzheng.pdf.render import Letter

KINDS = ("receipt", "materials", "refusal", "approval")


def _names(case: Application) -> tuple[str, str]:
    """(township government, county civil-affairs bureau) as letterheads name them."""
    township = Region.objects.filter(code=case.region_id[:9]).first()
    county = Region.objects.filter(code=case.region_id[:6]).first()
    return (
        _("%(name)s人民政府") % {"name": township.name if township else ""},
        _("%(name)s民政局") % {"name": county.name if county else ""},
    )


def build_letter(case: Application, kind: str) -> Letter:
    from minzheng.accounts.roles import Role
    from minzheng.pdf.render import Letter, format_date  # the PDF stack loads only when a letter is asked for

    township, county = _names(case)
    # the decision's letter comes from whoever decided: the county, or the township where it was delegated (DB-03)
    decider = (
        township if case.decided_by is not None and case.decided_by.role == Role.TOWNSHIP_HEAD else county
    )
    today = timezone.localdate()
    ref = _("编号 %(pk)s") % {"pk": case.pk}
    addressee = case.applicant.name
    program = case.program_label
    if kind == "receipt":
        if case.accepted_on is None:
            raise Http404
        return Letter(
            title=_("受理回执"),
            addressee=addressee,
            reference=ref,
            paragraphs=(
                _("你(户)于 %(filed)s 提出的%(program)s申请，本机关已于 %(accepted)s 受理。")
                % {
                    "filed": format_date(case.filed_on),
                    "program": program,
                    "accepted": format_date(case.accepted_on),
                },
                _(
                    "我们将在规定时限内入户调查、核对家庭经济状况并作出初审意见，请保持联系方式畅通，如实配合调查。"
                ),
            ),
            issuer=township,
            issued_on=case.accepted_on,
        )
    if kind == "materials":
        if not case.missing_materials:
            raise Http404
        return Letter(
            title=_("申请材料补正告知书"),
            addressee=addressee,
            reference=ref,
            paragraphs=(
                _("你(户)提出的%(program)s申请，经审查，申请材料尚不齐全。请补齐以下全部材料后再行提交：")
                % {"program": program},
                _(
                    "以上为需补正的全部材料，本机关不再要求补充其他材料。可以通过政府部门信息共享获取的材料，无需另行提供。"
                ),
            ),
            items=tuple(case.missing_materials),
            issuer=township,
            issued_on=today,
        )
    if kind == "refusal":
        if case.status != Status.REFUSED or case.decided_on is None:
            raise Http404
        return Letter(
            title=_("不予确认告知书"),
            addressee=addressee,
            reference=ref,
            paragraphs=(
                _(
                    "你(户)于 %(filed)s 提出的%(program)s申请，经调查核实、公示和审核，本机关于 %(decided)s 决定不予确认。理由如下："
                )
                % {
                    "filed": format_date(case.filed_on),
                    "program": program,
                    "decided": format_date(case.decided_on),
                },
                case.refusal_reasons,
                _("如家庭情况发生变化，符合条件的，可以重新提出申请。"),
            ),
            issuer=decider,
            issued_on=today,
            footer=_(
                "如对本决定不服，可以自收到本告知书之日起六十日内依法申请行政复议，"
                "或者自收到本告知书之日起六个月内依法向人民法院提起行政诉讼。"
            ),
        )
    if kind == "approval":
        if case.status != Status.APPROVED or case.decided_on is None or case.first_payment_month is None:
            raise Http404
        return Letter(
            title=_("审核确认通知书"),
            addressee=addressee,
            reference=ref,
            paragraphs=(
                _("你(户)提出的%(program)s申请，经审核，本机关于 %(decided)s 予以确认。")
                % {"program": program, "decided": format_date(case.decided_on)},
                _paid_how(case)
                % {
                    "amount": case.approved_amount,
                    "month": _("%(y)s年%(m)s月")
                    % {"y": case.first_payment_month.year, "m": case.first_payment_month.month},
                },
                _(
                    "家庭人口、收入、财产状况发生变化的，应当及时告知乡镇人民政府(街道办事处)；本机关将定期复核。"
                ),
            ),
            issuer=decider,
            issued_on=case.decided_on,
        )
    raise Http404


def _paid_how(case: Application) -> str:
    """The approval letter's sentence on the money, by the benefit's period (YF-11: 优待金 may be paid by quarter)."""
    benefit = Benefit.objects.filter(application=case).only("period").first()
    period = benefit.period if benefit is not None else Period.MONTHLY
    if period == Period.QUARTERLY:
        return _("保障金额每季 %(amount)s 元，自 %(month)s 起每季通过银行发放。")
    if period == Period.YEARLY:
        return _("保障金额每年 %(amount)s 元，自 %(month)s 起每年通过银行发放。")
    if period == Period.ONE_OFF:
        return _("救助金额 %(amount)s 元，列入 %(month)s 的发放名册，一次性通过银行发放。")
    return _("保障金额 %(amount)s 元，自 %(month)s 起按月通过银行发放。")


@capability_required(Capability.VIEW_CASES)
def case_letter(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    case = selectors.application_get(user=request.user, pk=pk)
    from minzheng.pdf.render import render_letter

    pdf = render_letter(build_letter(case, kind))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="case-{case.pk}-{kind}.pdf"'
    return response
