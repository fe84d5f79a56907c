from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dudao.access import can_manage_users, get_visible_or_404, is_system_admin, visible_users
from dudao.core.errors import add_service_errors, joined_messages
from dudao.core.excel import xlsx_response
from dudao.people import selectors, services
from dudao.people.forms import PasswordForm, RoleGrantForm, UserCreateForm, UserEditForm
from dudao.people.models import RoleGrant, User
from dudao.people.selectors import access_user, user_grants


def _require_admin(request: HttpRequest) -> None:
    if not is_system_admin(request.user):
        raise PermissionDenied


def _require_manager(request: HttpRequest) -> None:
    """Admins manage every account; office staff the accounts of their region subtrees (scope.user_q)."""
    if not can_manage_users(request.user):
        raise PermissionDenied


@login_required
def me(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.POST or None)
    forced = request.user.must_change_password
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(user=request.user, password=form.cleaned_data["password"], by=request.user)
        except ValidationError as exc:
            form.add_error("password", exc.messages)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("core:home" if forced else "people:me")
    grants = user_grants(request.user)
    return render(request, "people/me.html", {"form": form, "grants": grants,
                                              "must_change": request.user.must_change_password})


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    users = selectors.user_list(user=request.user, q=q, role=role)
    if request.GET.get("export"):
        rows = (
            [u.username, u.full_name, u.phone, "是" if u.is_active else "否",
             "；".join(str(g) for g in u.role_grants.all()), u.last_login and u.last_login.strftime("%Y-%m-%d %H:%M")]
            for u in users
        )
        return xlsx_response("用户列表", "用户", ["用户名", "姓名", "手机号", "启用", "角色", "最近登录"], rows)
    page = Paginator(users, 30).get_page(request.GET.get("page"))
    from dudao.people.models import Role

    template = "people/user_list.html#results" if request.htmx else "people/user_list.html"
    return render(request, template, {"page": page, "q": q, "role": role, "roles": Role.choices,
                                      "query": {"q": q, "role": role, "export": "1"},
                                      "is_admin": is_system_admin(request.user)})


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="password")
        else:
            messages.success(request, _("用户 %(name)s 已创建，请为其分配角色。") % {"name": user.username})
            return redirect("people:user_detail", pk=user.pk)
    return render(request, "people/user_form.html", {"form": form, "title": _("新建用户")})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    target = access_user(request.user, pk)
    edit_form = UserEditForm(request.POST or None, instance=target, prefix="edit", by=request.user)
    grant_form = RoleGrantForm(prefix="grant", by=request.user)
    if request.method == "POST" and edit_form.is_valid():
        edit_form.save()
        messages.success(request, _("已保存。"))
        return redirect("people:user_detail", pk=target.pk)
    return render(request, "people/user_detail.html", _detail_context(target, edit_form, grant_form))


def _detail_context(target: User, edit_form, grant_form) -> dict:
    grants = user_grants(target)
    return {"target": target, "edit_form": edit_form, "grant_form": grant_form, "grants": grants, "password_form": PasswordForm()}


@login_required
@require_POST
def grant_add(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    target = access_user(request.user, pk)
    form = RoleGrantForm(request.POST, prefix="grant", by=request.user)
    if form.is_valid():
        try:
            services.role_grant_add(
                user=target, role=form.cleaned_data["role"], office=form.cleaned_data["office"],
                schools=form.cleaned_data["school_codes"], note=form.cleaned_data["note"],
                government_unit=form.cleaned_data["government_unit"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="password")
        else:
            messages.success(request, _("角色已添加。"))
            return redirect("people:user_detail", pk=target.pk)
    return render(request, "people/user_detail.html", _detail_context(target, UserEditForm(instance=target, prefix="edit"), form), status=400)


@login_required
@require_POST
def grant_remove(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    _require_manager(request)
    target = access_user(request.user, pk)
    grant = get_visible_or_404(RoleGrant.objects.filter(user=target), pk=grant_pk)
    services.role_grant_remove(grant=grant)
    messages.success(request, _("角色已移除。"))
    return redirect("people:user_detail", pk=target.pk)


@login_required
@require_POST
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    target = access_user(request.user, pk)
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            services.user_set_password(user=target, password=form.cleaned_data["password"], by=request.user)
        except ValidationError as exc:
            messages.error(request, joined_messages(exc))
        else:
            messages.success(request, _("密码已重置，该用户下次登录时须修改密码。") if target != request.user else _("密码已重置。"))
    else:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
    return redirect("people:user_detail", pk=target.pk)


@login_required
@require_POST
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    target = access_user(request.user, pk)
    services.user_unlock(user=target)
    messages.success(request, _("已解除登录锁定。"))
    return redirect("people:user_detail", pk=target.pk)


# --- accounts in batch (people.accounts) --------------------------------------------------------


@login_required
def batch_accounts(request: HttpRequest) -> HttpResponse:
    """Pick supervisors of the roster or schools of the list and open their accounts in one go.
    The result page is the only place the initial passwords ever appear (page and Excel)."""
    import base64

    from dudao.people import accounts

    _require_manager(request)
    kind = "schools" if request.GET.get("kind", request.POST.get("kind")) == "schools" else "supervisors"
    q = request.GET.get("q", "").strip()
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
        if not ids:
            messages.error(request, _("请至少选择一项。"))
            return redirect(f"{request.path}?kind={kind}")
        if kind == "schools":
            issued, skipped = accounts.school_accounts_create(by=request.user, schools=accounts.batch_schools(request.user).filter(pk__in=ids))
        else:
            issued, skipped = accounts.supervisor_accounts_create(by=request.user, supervisors=accounts.batch_supervisors(request.user).filter(pk__in=ids))
        login_url = request.build_absolute_uri(reverse("login"))
        xlsx = base64.b64encode(accounts.issued_accounts_xlsx(issued, login_url)).decode() if issued else ""
        response = render(request, "people/batch_result.html", {
            "issued": issued, "skipped": skipped, "kind": kind, "xlsx": xlsx, "login_url": login_url,
            "filename": f"新开通账号-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
        })
        response["Cache-Control"] = "no-store"  # the passwords must not stay in any cache
        return response
    from dudao.regions.selectors import managed_offices

    offices = managed_offices(request.user)
    office = next((o for o in offices if str(o.pk) == request.GET.get("office", "")), None)
    rows = accounts.batch_rows(user=request.user, kind=kind, q=q, office=office)
    return render(request, "people/batch_accounts.html", {"kind": kind, "rows": rows, "q": q, "offices": offices, "office": office,
                                                          "open_count": sum(1 for r in rows if r["selectable"])})


@login_required
@require_POST
def batch_active(request: HttpRequest) -> HttpResponse:
    """Disable (or enable) the selected accounts of the user list."""
    from dudao.people import accounts

    _require_manager(request)
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    active = request.POST.get("action") == "enable"
    users = list(visible_users(request.user).filter(pk__in=ids))
    if len(users) != len(set(ids)):
        raise PermissionDenied
    n = accounts.users_set_active(by=request.user, users=users, active=active)
    messages.success(request, (_("已启用 %(n)s 个账号。") if active else _("已停用 %(n)s 个账号。")) % {"n": n})
    return redirect(request.POST.get("next") if url_has_allowed_host_and_scheme(request.POST.get("next"), None) else reverse("people:user_list"))
