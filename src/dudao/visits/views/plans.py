"""Monthly visit plans: the supervisor's own (with a suggestion that meets the quotas), and the
office's overview of every plan in its scope."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao import access
from dudao.core.errors import joined_messages
from dudao.schools.models import School
from dudao.visits.models import VisitPlan
from dudao.visits.periods import period_of
from dudao.visits.plans import plan_save, plan_suggest
from dudao.visits.services import supervisor_of, visitable_schools


def _month(request: HttpRequest) -> date:
    raw = request.GET.get("month") or request.POST.get("month") or ""
    try:
        year, month = (int(x) for x in raw.split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def my_plan(request: HttpRequest) -> HttpResponse:
    """The supervisor's plan for a month; "生成建议" fills it with a plan that meets the quotas."""
    supervisor = supervisor_of(request.user)
    month = _month(request)
    plan = VisitPlan.objects.filter(supervisor=supervisor, month=month).prefetch_related("items__school").first()
    suggestion = plan_suggest(supervisor=supervisor, month=month) if request.GET.get("suggest") else []
    if request.method == "POST":
        schools = {s.pk: s for s in visitable_schools(supervisor, period_of("month", month).start)
                   | visitable_schools(supervisor, period_of("month", month).end)}
        items = []
        # A school outside the user's scope is refused by its line number: its name is never looked
        # up, so the message cannot disclose it (plan_save names only visible schools).
        visible = School.objects.visible_to(request.user)
        for n, (school_id, day, reason) in enumerate(zip(request.POST.getlist("school"), request.POST.getlist("planned_on"),
                                                         request.POST.getlist("reason"), strict=False), start=1):
            try:
                school = schools.get(int(school_id)) or visible.filter(pk=int(school_id)).first()
                if school is None:
                    messages.error(request, _("计划第 %(n)s 项的学校不是您的挂牌学校。") % {"n": n})
                    return redirect(f"{request.path}?month={month:%Y-%m}")
                items.append((school, date.fromisoformat(day), reason))
            except (ValueError, School.DoesNotExist):
                messages.error(request, _("计划中有无效的学校或日期，请检查。"))
                return redirect(f"{request.path}?month={month:%Y-%m}")
        try:
            plan_save(supervisor=supervisor, month=month, items=items)
        except ValidationError as exc:
            messages.error(request, joined_messages(exc))
        else:
            messages.success(request, _("%(month)s 督导计划已保存（%(n)s 次）。") % {"month": f"{month:%Y年%m月}", "n": len(items)})
        return redirect(f"{request.path}?month={month:%Y-%m}")
    # (school, day, why, overdue findings): a suggestion marks schools with overdue findings red
    rows = [(s.school, s.planned_on, s.reason, s.overdue) for s in suggestion] or (
        [(i.school, i.planned_on, i.reason, 0) for i in plan.items.all()] if plan else [])
    prev_month = (month.replace(day=1) - date.resolution).replace(day=1)
    next_month = (month.replace(day=28) + (date.resolution * 4)).replace(day=1)
    return render(request, "visits/plan_mine.html", {
        "supervisor": supervisor, "month": month, "plan": plan, "rows": rows, "suggested": bool(suggestion),
        "prev_month": prev_month, "next_month": next_month,
    })


@login_required
def office_plans(request: HttpRequest) -> HttpResponse:
    """Every plan of the month in the user's scope (supervisors see only their own)."""
    if not access.is_office_user(request.user):
        raise PermissionDenied
    month = _month(request)
    plans = (VisitPlan.objects.visible_to(request.user).filter(month=month)
             .select_related("supervisor__office__region").prefetch_related("items__school").order_by("supervisor__name"))
    return render(request, "visits/plan_office.html", {"plans": plans, "month": month})
