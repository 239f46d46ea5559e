from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from minzheng.accounts import services
from minzheng.accounts.forms import LoginForm, UserCreateForm
from minzheng.accounts.models import User
from minzheng.accounts.roles import Capability
from minzheng.audit import events
from minzheng.audit.services import audit_record
from minzheng.core.decorators import capability_required
from minzheng.core.errors import DomainError
from minzheng.regions.selectors import region_choices


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or "core:home")
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = services.login_attempt(
                    request=request,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
                status = exc.status
            else:
                login(request, user)
                return redirect(next_url or "core:home")
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        with transaction.atomic():
            audit_record(
                event_code=events.AUTH_LOGOUT,
                actor=request.user,
                region_code=request.user.region_id,
                target=request.user,
            )
    logout(request)
    return redirect("accounts:login")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = form.save()
            audit_record(
                event_code=events.AUTH_PASSWORD_CHANGED, actor=user, region_code=user.region_id, target=user
            )
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。"))
        return redirect("core:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@capability_required(Capability.MANAGE_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        User.objects.visible_to(request.user).select_related("region").order_by("region_id", "username")
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


@capability_required(Capability.MANAGE_USERS)
def user_create(request: HttpRequest) -> HttpResponse:
    choices = [
        (r.code, f"{r.code} {r.name}")
        for r in region_choices(user=request.user, levels=("county", "township", "village"))
    ]
    form = UserCreateForm(request.POST or None, region_choices=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_create(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                role=data["role"],
                region_code=data["region"],
                full_name=data["full_name"],
                phone=data["phone"],
            )
        except DomainError as exc:
            for field_name, msgs in exc.fields.items():
                for msg in msgs:
                    form.add_error(field_name if field_name in form.fields else None, msg)
            if not exc.fields:
                form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("用户 %(username)s 已创建。") % {"username": data["username"]})
            return redirect("accounts:user_list")
    return render(
        request, "accounts/user_form.html", {"form": form}, status=400 if request.method == "POST" else 200
    )
