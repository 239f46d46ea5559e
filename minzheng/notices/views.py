"""公示公告: public pages anyone may read without logging in. They show only what DB-32/34/35 allow — the name
published at notice time, members covered, amount, dates and the complaint phone — never an ID number (not even
masked), an address, a phone of the household, a bank account, a diagnosis or a disability type."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minzheng.cases import selectors, services
from minzheng.cases.forms import ObjectionForm
from minzheng.cases.models import Notice
from minzheng.core.clientip import client_ip
from minzheng.core.errors import DomainError
from minzheng.regions.models import Level, Region


def public_index(request: HttpRequest) -> HttpResponse:
    villages = selectors.public_villages()
    return render(request, "notices/index.html", {"villages": villages})


def public_village(request: HttpRequest, code: str) -> HttpResponse:
    village = get_object_or_404(Region.objects.select_related("parent"), code=code, level=Level.VILLAGE)
    return render(
        request,
        "notices/village.html",
        {
            "village": village,
            "notices": selectors.public_notices(village),
            "roll": selectors.public_roll(village),
            "today": timezone.localdate(),
        },
    )


def _notice(pk: int) -> Notice:
    """A notice is public while it runs and for 30 days after; never once the case is withdrawn or refused."""
    from datetime import timedelta

    from minzheng.cases.models import Status

    notice = Notice.objects.select_related("region", "region__parent", "application").filter(pk=pk).first()
    recent = notice is not None and notice.ends_on >= timezone.localdate() - timedelta(days=30)
    if notice is None or not recent or notice.application.status in {Status.WITHDRAWN, Status.REFUSED}:
        raise Http404
    return notice


@require_http_methods(["GET", "POST"])
def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """One notice, and the objection form while it is open (name optional; throttled per address)."""
    notice = _notice(pk)
    today = timezone.localdate()
    form = ObjectionForm(request.POST or None)
    status = 200
    sent = request.GET.get("sent") == "1"
    if request.method == "POST":
        if form.is_valid():
            try:
                services.objection_submit(
                    notice=notice,
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    text=form.cleaned_data["text"],
                    ip_address=client_ip(request),
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
                status = exc.status if exc.status in {409, 429} else 400
            else:
                return redirect(reverse("notices:notice", kwargs={"pk": notice.pk}) + "?sent=1")
        else:
            status = 400
    return render(
        request,
        "notices/notice.html",
        {
            "notice": notice,
            "form": form,
            "open": notice.state == Notice.State.OPEN and notice.starts_on <= today <= notice.ends_on,
            "sent": sent,
        },
        status=status,
    )


def public_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable poster for the village board (A4 or A3), with a QR code to the online notice."""
    from minzheng.pdf.render import NoticePoster, PosterEntry, render_poster  # loaded only for posters

    notice = _notice(pk)
    size = "A3" if request.GET.get("size") == "A3" else "A4"
    village = notice.region
    township = village.parent.name if village.parent else ""
    poster = NoticePoster(
        title=(
            _("%(program)s终止公示")
            if notice.kind == Notice.Kind.TERMINATION
            else _("%(program)s初审结果公示")
        )
        % {"program": notice.application.program_label},
        issuer=_("%(name)s人民政府") % {"name": township},
        village=f"{township}{village.name}",
        intro=_(
            "经调查核实，下列特困人员已不再符合救助供养条件，拟终止救助供养，现予公示。"
            "公示期内，任何单位和个人如有异议，可向乡镇人民政府(街道办事处)反映，或扫描二维码在网上提出。"
        )
        if notice.kind == Notice.Kind.TERMINATION
        else _(
            "经本人申请、入户调查、家庭经济状况核对和乡镇初审，下列申请拟予以保障，现予公示。"
            "公示期内，任何单位和个人如有异议，可向乡镇人民政府(街道办事处)反映，或扫描二维码在网上提出。"
        ),
        entries=(
            PosterEntry(
                name=notice.public_name,
                members=notice.public_members,
                amount=notice.public_amount,
                unit=notice.amount_unit,
            ),
        ),
        starts_on=notice.starts_on,
        ends_on=notice.ends_on,
        complaint_phone=notice.complaint_phone,
        url=request.build_absolute_uri(reverse("notices:notice", kwargs={"pk": notice.pk})),
        size=size,
    )
    response = HttpResponse(render_poster(poster), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}-{size}.pdf"'
    return response
