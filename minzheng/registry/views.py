from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts.roles import Capability
from minzheng.core.decorators import capability_required
from minzheng.core.errors import DomainError
from minzheng.core.files import var_dir
from minzheng.core.navigation import household_panels
from minzheng.core.validators import upload_too_large
from minzheng.regions.selectors import region_choices
from minzheng.registry import documents, selectors, services
from minzheng.registry.forms import (
    AssetForm,
    DeathForm,
    DocumentForm,
    HeadForm,
    HouseholdForm,
    IncomeForm,
    MemberForm,
    MergeForm,
    MoveForm,
    OptionalMemberForm,
    RemoveForm,
    SearchForm,
    SplitForm,
)
from minzheng.registry.models import Asset, Household, IncomeItem

EXTRA_MEMBER_ROWS = 5


def _villages(user: Any) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in region_choices(user=user, levels=("village",))]


def _members(household: Household) -> list[tuple[str, str]]:
    return [(str(m.pk), m.name) for m in household.members.order_by("id")]


def _form_error(form: Any, exc: DomainError) -> None:
    placed = False
    for field, msgs in exc.fields.items():
        if field in form.fields:
            for msg in msgs:
                form.add_error(field, msg)
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def _warn(request: HttpRequest, warnings: list[str]) -> None:
    for warning in warnings:
        messages.warning(request, warning)


@require_GET
@capability_required(Capability.VIEW_REGISTRY)
def registry_index(request: HttpRequest) -> HttpResponse:
    villages = _villages(request.user)
    form = SearchForm(request.GET or None, villages=villages)
    query = village = ""
    if form.is_valid():
        query, village = form.cleaned_data["q"], form.cleaned_data["village"]
    if query:
        page = Paginator(
            selectors.member_search(user=request.user, query=query, village=village), 25
        ).get_page(request.GET.get("page"))
        for member in page:
            member.shown_id = selectors.display_id(user=request.user, member=member)  # type: ignore[attr-defined]
        context: dict[str, Any] = {"members_page": page}
    else:
        context = {
            "households_page": Paginator(
                selectors.household_list(user=request.user, village=village), 25
            ).get_page(request.GET.get("page"))
        }
    query_string = request.GET.copy()
    query_string.pop("page", None)
    user: Any = request.user
    context["perms_edit"] = user.can(Capability.EDIT_REGISTRY)
    links = []
    if user.can(Capability.IMPORT_REGISTRY):
        links.append({"url": reverse("registry:import"), "label": _("批量导入")})
    if user.can(Capability.EXPORT_REGISTRY):
        links.append(
            {
                "url": reverse("registry:export") + (f"?village={village}" if village else ""),
                "label": _("导出 Excel"),
            }
        )
    context["extra_links"] = links
    return render(
        request, "registry/index.html", {"form": form, "query": query_string.urlencode(), **context}
    )


@capability_required(Capability.EDIT_REGISTRY)
def household_create(request: HttpRequest) -> HttpResponse:
    villages = _villages(request.user)
    data = request.POST or None
    form = HouseholdForm(data, villages=villages, prefix="hh")
    head_form = MemberForm(data, head=True, prefix="head")
    extra = [OptionalMemberForm(data, prefix=f"m{i}") for i in range(EXTRA_MEMBER_ROWS)]
    if request.method == "POST":
        forms_ok = form.is_valid() & head_form.is_valid() & all([f.is_valid() for f in extra])
        if forms_ok:
            others = [f.to_data() for f in extra if not f.is_blank()]
            try:
                result = services.household_create(
                    actor=request.user, data=form.to_data(), head=head_form.to_data(), members=others
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                _warn(request, result.warnings)
                messages.success(request, _("已建立 %(household)s 的家庭档案。") % {"household": result.obj})
                return redirect("registry:household_detail", pk=result.obj.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "registry/household_form.html",
        {"form": form, "head_form": head_form, "extra_forms": extra},
        status=status,
    )


@require_GET
@capability_required(Capability.VIEW_REGISTRY)
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = selectors.household_file(user=request.user, pk=pk)
    household = context["household"]
    members = list(household.members.all())
    for member in members:
        member.shown_id = selectors.display_id(user=request.user, member=member)
    can_edit = request.user.can(Capability.EDIT_REGISTRY)  # type: ignore[union-attr]
    can_reveal = request.user.can(Capability.REVEAL_ID) and not request.user.can(Capability.SEE_FULL_ID)  # type: ignore[union-attr]
    return render(
        request,
        "registry/household_detail.html",
        {
            **context,
            "members": members,
            "shown_account": selectors.display_account(user=request.user, number=household.account_number),
            "can_edit": can_edit,
            "can_reveal": can_reveal,
            "can_assess": request.user.can(Capability.ASSESS),  # type: ignore[union-attr]
            "can_apply": request.user.can(Capability.SUBMIT_APPLICATION),  # type: ignore[union-attr]
            "panels": household_panels(request.user, household),
        },
    )


@capability_required(Capability.EDIT_REGISTRY)
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    initial = {
        "region": household.region_id,
        **{
            k: getattr(household, k)
            for k in ("address", "hukou_type", "phone", "bank_name", "account_holder", "account_number")
        },
    }
    form = HouseholdForm(request.POST or None, villages=_villages(request.user), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.household_update(actor=request.user, household=household, data=form.to_data())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            _warn(request, result.warnings)
            return redirect("registry:household_detail", pk=pk)
    return _form_page(request, form, _("修改家庭信息"), household)


def _form_page(
    request: HttpRequest, form: Any, title: str, household: Household, *, multipart: bool = False
) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "registry/simple_form.html",
        {"form": form, "title": title, "household": household, "multipart": multipart},
        status=status,
    )


@capability_required(Capability.EDIT_REGISTRY)
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    form = MemberForm(request.POST or None)
    form.fields["relation"].choices = [c for c in form.fields["relation"].choices if c[0] != "head"]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            result = services.member_add(actor=request.user, household=household, data=form.to_data())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            _warn(request, result.warnings)
            return redirect("registry:household_detail", pk=pk)
    return _form_page(request, form, _("增加家庭成员"), household)


@capability_required(Capability.EDIT_REGISTRY)
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(user=request.user, pk=pk)
    form = MemberForm(
        request.POST or None,
        initial=MemberForm.initial_from(member),
        head=member.household.head_id == member.pk,
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.member_update(actor=request.user, member=member, data=form.to_data())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            _warn(request, result.warnings)
            return redirect("registry:household_detail", pk=member.household_id)
    return _form_page(request, form, _("修改家庭成员：%(name)s") % {"name": member.name}, member.household)


@capability_required(Capability.EDIT_REGISTRY)
def member_move(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(user=request.user, pk=pk)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            target = selectors.household_get(user=request.user, pk=form.cleaned_data["target"])
        except Exception:  # Http404: not found or out of scope, said the same way
            form.add_error("target", _("找不到该档案号的家庭，或不在您的管辖范围内"))
        else:
            try:
                services.member_move(
                    actor=request.user,
                    member=member,
                    to_household=target,
                    relation=form.cleaned_data["relation"],
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request, _("%(name)s 已迁入 %(household)s。") % {"name": member.name, "household": target}
                )
                return redirect("registry:household_detail", pk=target.pk)
    return _form_page(request, form, _("成员迁移：%(name)s") % {"name": member.name}, member.household)


@capability_required(Capability.EDIT_REGISTRY)
def member_death(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(user=request.user, pk=pk)
    form = DeathForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_record_death(
                actor=request.user, member=member, date_of_death=form.cleaned_data["date_of_death"]
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已登记 %(name)s 死亡；相关待遇将重新核定。") % {"name": member.name})
            return redirect("registry:household_detail", pk=member.household_id)
    return _form_page(request, form, _("登记死亡：%(name)s") % {"name": member.name}, member.household)


@capability_required(Capability.EDIT_REGISTRY)
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(user=request.user, pk=pk)
    form = RemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_remove(actor=request.user, member=member, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("registry:household_detail", pk=member.household_id)
    return _form_page(request, form, _("移除家庭成员：%(name)s") % {"name": member.name}, member.household)


@require_POST
@capability_required(Capability.REVEAL_ID)
def member_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.member_get(user=request.user, pk=pk)
    number = services.member_reveal_id(actor=request.user, member=member)
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse(f'<span class="code" data-testid="full-id">{number}</span>')
    return render(request, "registry/revealed_id.html", {"member": member, "number": number})


@capability_required(Capability.EDIT_REGISTRY)
def household_head(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    choices = [
        (str(m.pk), m.name)
        for m in household.members.filter(date_of_death__isnull=True).exclude(pk=household.head_id or 0)
    ]
    form = HeadForm(request.POST or None, members=choices)
    if request.method == "POST" and form.is_valid():
        new_head = household.members.get(pk=form.cleaned_data["new_head"])
        try:
            services.household_change_head(
                actor=request.user,
                household=household,
                new_head=new_head,
                old_head_relation=form.cleaned_data["old_head_relation"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("registry:household_detail", pk=pk)
    return _form_page(request, form, _("变更户主"), household)


@capability_required(Capability.EDIT_REGISTRY)
def household_split(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    choices = [(str(m.pk), m.name) for m in household.members.exclude(pk=household.head_id or 0)]
    form = SplitForm(request.POST or None, members=choices)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.household_split(
                actor=request.user,
                household=household,
                member_ids=[int(x) for x in form.cleaned_data["members"]],
                new_head_id=int(form.cleaned_data["new_head"]),
                address=form.cleaned_data["address"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("已分户，新户档案号 %(pk)s。") % {"pk": new.pk})
            return redirect("registry:household_detail", pk=new.pk)
    return _form_page(request, form, _("分户"), household)


@capability_required(Capability.EDIT_REGISTRY)
def household_merge(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            target = selectors.household_get(user=request.user, pk=form.cleaned_data["target"])
        except Exception:  # Http404
            form.add_error("target", _("找不到该档案号的家庭，或不在您的管辖范围内"))
        else:
            try:
                services.household_merge(actor=request.user, source=household, target=target)
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("已并入档案号 %(pk)s。") % {"pk": target.pk})
                return redirect("registry:household_detail", pk=target.pk)
    return _form_page(request, form, _("合户：把本户全部成员并入另一户"), household)


@capability_required(Capability.EDIT_REGISTRY)
def income_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    form = IncomeForm(request.POST or None, members=_members(household))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        member = household.members.filter(pk=d["member"]).first() if d["member"] else None
        try:
            services.income_add(
                actor=request.user,
                household=household,
                member=member,
                category=d["category"],
                monthly_amount=d["monthly_amount"],
                source=d["source"],
                exclusion=d["exclusion"] or "",
                period_start=d["period_start"],
                period_end=d["period_end"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("registry:household_detail", pk=pk)
    return _form_page(request, form, _("登记收入"), household)


@require_POST
@capability_required(Capability.EDIT_REGISTRY)
def income_delete(request: HttpRequest, pk: int) -> HttpResponse:
    from minzheng.core.scope import get_visible_or_404

    item = get_visible_or_404(IncomeItem.objects.all(), request.user, pk=pk)
    services.income_remove(actor=request.user, item=item)
    return redirect("registry:household_detail", pk=item.household_id)


@capability_required(Capability.EDIT_REGISTRY)
def asset_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    form = AssetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.asset_add(
                actor=request.user,
                household=household,
                category=d["category"],
                description=d["description"],
                value=d["value"],
                quantity=d["quantity"],
                exempt=d["exempt"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            return redirect("registry:household_detail", pk=pk)
    return _form_page(request, form, _("登记财产"), household)


@require_POST
@capability_required(Capability.EDIT_REGISTRY)
def asset_delete(request: HttpRequest, pk: int) -> HttpResponse:
    from minzheng.core.scope import get_visible_or_404

    asset = get_visible_or_404(Asset.objects.all(), request.user, pk=pk)
    services.asset_remove(actor=request.user, asset=asset)
    return redirect("registry:household_detail", pk=asset.household_id)


@capability_required(Capability.EDIT_REGISTRY)
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get(user=request.user, pk=pk)
    form = DocumentForm(request.POST or None, request.FILES or None, members=_members(household))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        member = household.members.filter(pk=d["member"]).first() if d["member"] else None
        try:
            documents.document_add(
                actor=request.user,
                household=household,
                upload=d["file"],
                original_name=d["file"].name,
                doc_type=d["doc_type"],
                member=member,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("材料已上传。"))
            return redirect("registry:household_detail", pk=pk)
    return _form_page(request, form, _("上传档案材料"), household, multipart=True)


@require_GET
@capability_required(Capability.VIEW_REGISTRY)
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    from minzheng.core.scope import get_visible_or_404
    from minzheng.registry.models import Document

    document = get_visible_or_404(Document.objects.select_related("household"), request.user, pk=pk)
    path, document = documents.document_open(actor=request.user, document=document)
    response = FileResponse(
        path.open("rb"),
        content_type=document.content_type,
        as_attachment=True,  # never shown inline: a PDF opens in the reader, not in the browser's origin
        filename=documents.download_name(document.original_name, Path(document.stored_name).suffix),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- Excel in and out -------------------------------------------------------------------------------------------

IMPORT_SESSION_KEY = "registry_import"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _imports_dir() -> Path:
    return var_dir("imports")


STALE_UPLOAD_SECONDS = 24 * 3600


def _forget_stale_uploads() -> int:
    """Uploads previewed but never confirmed are deleted after a day (they hold people's ID numbers)."""
    import time

    cutoff = time.time() - STALE_UPLOAD_SECONDS
    removed = 0
    for path in [*_imports_dir().glob("*.upload"), *_imports_dir().glob("*.errors.xlsx")]:
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _pending_upload(request: HttpRequest) -> tuple[Any, str] | None:
    """The file this user uploaded for preview (kept under var/imports/ with a random name), or None."""
    pending = request.session.get(IMPORT_SESSION_KEY)
    if not pending:
        return None
    path = _imports_dir() / f"{pending['token']}.upload"
    return (path, pending["filename"]) if path.is_file() else None


@capability_required(Capability.IMPORT_REGISTRY)
def registry_import_page(request: HttpRequest) -> HttpResponse:
    """Upload → preview (a dry run that changes nothing) → confirm. A file with any error never imports."""
    import secrets

    from minzheng.registry.excel import registry_import

    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["upload_error"] = _("请选择要导入的 .xlsx 或 .csv 文件。")
            status = 400
        elif error := upload_too_large(upload):
            context["upload_error"] = error
            status = 400
        else:
            _forget_stale_uploads()
            token = secrets.token_hex(16)
            path = _imports_dir() / f"{token}.upload"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            request.session[IMPORT_SESSION_KEY] = {"token": token, "filename": upload.name}
            try:
                context["report"] = registry_import(
                    actor=request.user, source=path, filename=upload.name or "", dry_run=True
                )
            except DomainError as exc:
                context["upload_error"] = str(exc.message)
                status = 400
            else:
                status = 200 if context["report"].ok else 400
            if status != 200:
                _reject_upload(path, context.get("report"))
    return render(request, "registry/import.html", context, status=status)


def _reject_upload(path: Any, report: Any) -> None:
    """A refused file (people's ID numbers in it) is deleted at once; only its error list is kept to download."""
    from minzheng.registry.excel import error_workbook

    if report is not None:
        errors = path.with_suffix(".errors.xlsx")
        fd = os.open(errors, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(error_workbook(report))
    path.unlink(missing_ok=True)


@require_POST
@capability_required(Capability.IMPORT_REGISTRY)
def registry_import_confirm(request: HttpRequest) -> HttpResponse:
    from minzheng.registry.excel import registry_import

    pending = _pending_upload(request)
    if pending is None:
        messages.error(request, _("没有待确认的导入文件，请重新上传。"))
        return redirect("registry:import")
    path, filename = pending
    try:
        report = registry_import(actor=request.user, source=path, filename=filename, dry_run=False)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("registry:import")
    if not report.imported:
        _reject_upload(path, report)  # found wrong at the last moment: deleted like any refused file
        return render(request, "registry/import.html", {"report": report}, status=400)
    path.unlink(missing_ok=True)
    request.session.pop(IMPORT_SESSION_KEY, None)
    messages.success(
        request, _("导入完成：%(h)s 户，%(m)s 人。") % {"h": report.households, "m": report.members}
    )
    return redirect("registry:index")


@require_GET
@capability_required(Capability.IMPORT_REGISTRY)
def registry_import_errors(request: HttpRequest) -> HttpResponse:
    """The bad rows of the pending upload as a workbook (recomputed by a dry run: nothing is stored)."""
    from minzheng.registry.excel import error_workbook, registry_import

    token = (request.session.get(IMPORT_SESSION_KEY) or {}).get("token", "")
    kept = _imports_dir() / f"{token}.errors.xlsx"
    if token and kept.is_file():  # the list of a refused file (the file itself was deleted when refused)
        response = HttpResponse(kept.read_bytes(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = _attachment(_("导入错误清单.xlsx"))
        return response
    pending = _pending_upload(request)
    if pending is None:
        messages.error(request, _("没有待确认的导入文件，请重新上传。"))
        return redirect("registry:import")
    path, filename = pending
    report = registry_import(actor=request.user, source=path, filename=filename, dry_run=True)
    response = HttpResponse(
        error_workbook(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = _attachment(_("导入错误清单.xlsx"))
    return response


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(filename)}"


@require_GET
@capability_required(Capability.IMPORT_REGISTRY)
def registry_import_template(request: HttpRequest) -> HttpResponse:
    from minzheng.registry.excel import import_template

    response = HttpResponse(
        import_template(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = _attachment(_("家庭档案导入模板.xlsx"))
    return response


@require_GET
@capability_required(Capability.EXPORT_REGISTRY)
def registry_export_view(request: HttpRequest) -> FileResponse:
    """The scoped registry as .xlsx, written in constant memory to a temporary file and streamed."""
    import tempfile

    from minzheng.registry.excel import registry_export

    village = request.GET.get("village", "")
    handle = tempfile.TemporaryFile(dir=_imports_dir())  # noqa: SIM115 - FileResponse closes it
    registry_export(user=request.user, out=handle, village=village)
    handle.seek(0)
    stamp = timezone.localdate().isoformat()
    return FileResponse(
        handle,
        as_attachment=True,
        filename=_("家庭档案-%(date)s.xlsx") % {"date": stamp},
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
