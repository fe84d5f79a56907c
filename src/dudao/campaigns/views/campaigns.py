"""The campaign pages: list, plan form (create/edit), scope with preview, detail with the phases'
timeline, the steps the user may take (from workflow.ACTIONS) and the event log. Thin: reads through
`selectors`, writes through `services`, which ask the rules themselves."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dudao.campaigns import selectors, workflow
from dudao.campaigns.access import may_manage_campaign, sees_whole_campaign
from dudao.campaigns.forms import CampaignForm, ScopeForm
from dudao.campaigns.models import CampaignKind, CampaignState, ScopeMode
from dudao.campaigns.selection import STRATA, preview
from dudao.campaigns.services import (
    PLAN_FIELDS,
    campaign_create,
    campaign_scope_apply,
    campaign_transition,
    campaign_update,
    scope_spec_of,
)
from dudao.core.errors import add_service_errors
from dudao.documents.access import may_draft

PAGE_SIZE = 30
# The tabs of a campaign's parts (issue [9] items 3–6), each linking to the page the user may open:
# the office (sees_whole_campaign) the teams, the schools' self-inspections and the ranking; a
# school account its own self-inspection form (announced campaigns) and its own result once
# published; a team member its team page and its team's schools' results. Without such a page the
# tab is shown disabled. On-site: a team member's list of schools to inspect (我的实地核查); the
# dashboard (看板): the office.
PARTS: list[tuple[str, str]] = [
    ("teams", gettext_lazy("督查组与分配")),
    ("self", gettext_lazy("学校自查")),
    ("onsite", gettext_lazy("实地督导")),
    ("results", gettext_lazy("结果")),
    ("dashboard", gettext_lazy("看板")),
]


def _part_url(user, campaign, key: str) -> str:
    from dudao.campaigns.access import school_account_schools

    office = sees_whole_campaign(user, campaign)
    if key == "teams":
        if office:
            return reverse("campaigns:team_index", kwargs={"pk": campaign.pk})
        team = campaign.teams.filter(members__user=user).order_by("order", "id").first()
        return reverse("campaigns:team_detail", kwargs={"pk": team.pk}) if team else ""
    if key == "self":
        if office:
            return reverse("campaigns:self_list", kwargs={"pk": campaign.pk})
        mine = school_account_schools(user)
        if (campaign.has_self_inspection and mine
                and campaign.schools.filter(school_id__in=mine).exists()):
            return reverse("campaigns:self_form", kwargs={"pk": campaign.pk})
        return ""
    if key == "results":
        if office:
            return reverse("campaigns:result_list", kwargs={"pk": campaign.pk})
        entry = selectors.result_schools(user, campaign).order_by("school_id").first()
        return reverse("campaigns:result_school", kwargs={"pk": campaign.pk, "school_id": entry.school_id}) if entry else ""
    if key == "onsite":
        member = campaign.teams.filter(members__user=user).exists()
        return reverse("campaigns:onsite_mine") if member else ""
    if key == "dashboard":
        return reverse("campaigns:dashboard", kwargs={"pk": campaign.pk}) if office else ""
    return ""


# A 督政 campaign (kind government): teams as for schools, then the governance app's pages per
# government unit (scope, self-assessment, scoring, opinions, findings); the school-only parts are hidden.
GOVERNMENT_PARTS: list[tuple[str, str]] = [("teams", gettext_lazy("督查组")), ("governance", gettext_lazy("督政单位"))]


def _part_links(user, campaign) -> list[dict]:
    if campaign.is_government:
        return [{"key": key, "label": label,
                 "url": reverse("governance:campaign", kwargs={"pk": campaign.pk}) if key == "governance"
                 else _part_url(user, campaign, key)} for key, label in GOVERNMENT_PARTS]
    return [{"key": key, "label": label, "url": _part_url(user, campaign, key)} for key, label in PARTS]


class NoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.CampaignFilters.from_params(request.GET)
    page = Paginator(selectors.campaign_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {
        "page": page, "rows": list(page.object_list), "filters": filters, "query": filters.as_query(),
        "kinds": CampaignKind.choices, "states": CampaignState.choices,
        "years": [(str(y), str(y)) for y in selectors.campaign_years(request.user)],
        "can_create": bool(selectors.creatable_offices(request.user)),
    }
    template = "campaigns/campaign_list.html#results" if request.htmx else "campaigns/campaign_list.html"
    return render(request, template, context)


def _form_data(form: CampaignForm) -> dict:
    return {name: form.cleaned_data[name] for name in PLAN_FIELDS if name in form.cleaned_data}


@login_required
def campaign_create_view(request: HttpRequest) -> HttpResponse:
    offices = selectors.creatable_offices(request.user)
    if not offices:
        raise PermissionDenied(_("只有督导室工作人员可以创建督导项目。"))
    office_pk = request.POST.get("office") or (offices[0].pk if len(offices) == 1 else None)
    office = next((o for o in offices if str(o.pk) == str(office_pk)), None)
    versions = selectors.usable_versions(office)
    if request.method == "POST":
        form = CampaignForm(request.POST, offices=offices, versions=versions)
        if form.is_valid():
            try:
                campaign = campaign_create(by=request.user, office=form.cleaned_data["office"], data=_form_data(form))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("督导项目已创建（草拟），请确定督导范围后送审。"))
                return redirect("governance:campaign" if campaign.is_government else "campaigns:scope", pk=campaign.pk)
    else:
        from django.utils import timezone

        form = CampaignForm(offices=offices, versions=versions, initial={"year": timezone.localdate().year})
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": None},
                  status=400 if form.errors else 200)


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    if not may_manage_campaign(request.user, campaign):
        raise PermissionDenied(_("只有组织督导室（或上级督导室）的工作人员可以修改督导项目。"))
    if campaign.state not in workflow.EDITABLE_STATES:
        messages.error(request, _("只有草拟（含退回修改）的项目可以修改。"))
        return redirect("campaigns:detail", pk=campaign.pk)
    versions = selectors.usable_versions(campaign.office)
    if request.method == "POST":
        form = CampaignForm(request.POST, instance=campaign, versions=versions)
        if form.is_valid():
            try:
                campaign_update(by=request.user, campaign=selectors.access_campaign(request.user, pk),
                                data=_form_data(form))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("实施方案已保存。"))
                return redirect("campaigns:detail", pk=campaign.pk)
    else:
        form = CampaignForm(instance=campaign, versions=versions)
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign},
                  status=400 if form.errors else 200)


def _scope_initial(campaign) -> dict:
    spec = scope_spec_of(campaign)
    codes = list(campaign.schools.order_by("school__code").values_list("school__code", flat=True))
    return {"scope_mode": spec.mode, "scope_region": spec.region.code if spec.region else campaign.office.region.code,
            **spec.filters, "school_codes": "\n".join(codes) if spec.mode == ScopeMode.PICKED else "",
            "sample_size": spec.sample_size, "sample_strata": spec.strata, "sample_seed": spec.seed}


def _lookups(user):
    from dudao.regions.models import Region
    from dudao.schools.models import School

    def region_lookup(code: str):
        return Region.objects.visible_to(user).filter(code=code).first()

    def school_lookup(codes: list[str]) -> dict[str, int]:
        return dict(School.objects.visible_to(user).filter(code__in=codes).values_list("code", "pk"))

    return region_lookup, school_lookup


@login_required
def campaign_scope(request: HttpRequest, pk: int) -> HttpResponse:
    """The scope form: 预览 counts the schools (per stratum for a sample) without saving; 保存 stores them."""
    campaign = selectors.access_campaign(request.user, pk)
    if not may_manage_campaign(request.user, campaign):
        raise PermissionDenied(_("只有组织督导室（或上级督导室）的工作人员可以确定督导范围。"))
    if campaign.is_government:  # 督政: the scope is government units, chosen on the governance page
        return redirect("governance:campaign", pk=campaign.pk)
    result = None
    if request.method == "POST":
        form = ScopeForm(request.POST)
        if form.is_valid():
            region_lookup, school_lookup = _lookups(request.user)
            spec = form.spec(region_lookup=region_lookup, school_lookup=school_lookup)
            if not form.errors:
                try:
                    if "apply" in request.POST:
                        count = campaign_scope_apply(by=request.user, campaign=campaign, spec=spec)
                        messages.success(request, _("督导范围已保存：共 %(n)s 所学校。") % {"n": count})
                        return redirect("campaigns:detail", pk=campaign.pk)
                    result = preview(user=request.user, office=campaign.office, spec=spec)
                    if result.seed is not None and not form.cleaned_data.get("sample_seed"):
                        data = request.POST.copy()
                        data["sample_seed"] = str(result.seed)  # saved with the same seed: the same sample
                        form = ScopeForm(data)
                        form.is_valid()
                except ValidationError as exc:
                    add_service_errors(form, exc, aliases={"school_ids": "school_codes"})
    else:
        form = ScopeForm(initial=_scope_initial(campaign))
    context = {"campaign": campaign, "form": form, "preview": result, "strata": STRATA,
               "editable": campaign.state in workflow.EDITABLE_STATES}
    return render(request, "campaigns/campaign_scope.html", context, status=400 if form.errors else 200)


def _detail_context(request: HttpRequest, campaign, *, open_action: str = "", form=None) -> dict:
    whole = sees_whole_campaign(request.user, campaign)
    actions = workflow.allowed_actions(request.user, campaign)
    schools = selectors.campaign_schools(request.user, campaign)
    return {
        "campaign": campaign, "whole": whole, "phases": selectors.phases(campaign),
        "actions": actions, "blocked": workflow.blocked_actions(request.user, campaign), "open_action": open_action, "action_form": form or NoteForm(),
        "events": list(selectors.events(campaign)) if whole else [],
        "schools": list(schools[:200]), "school_count": schools.count(),
        "can_edit": may_manage_campaign(request.user, campaign) and campaign.state in workflow.EDITABLE_STATES,
        # the buttons that draft the 督导通知书 and the summary report (views/documents.py)
        "may_draft_documents": not campaign.is_government and may_draft(request.user, campaign.office),
        "parts": _part_links(request.user, campaign),
        "plan_fields": [(campaign._meta.get_field(n).verbose_name, getattr(campaign, n))
                        for n in ("purpose", "basis", "scope_text", "time_text", "content", "method", "staffing",
                                  "requirements", "results_use")],
        "plan_filled": any(getattr(campaign, n) for n in ("purpose", "basis", "scope_text", "time_text", "content",
                                                          "method", "staffing", "requirements", "results_use")),
    }


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.user, pk)
    return render(request, "campaigns/campaign_detail.html", _detail_context(request, campaign))


@login_required
@require_POST
def campaign_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the workflow table; errors come back on the detail page with the note kept."""
    campaign = selectors.access_campaign(request.user, pk)
    transition = workflow.ACTIONS.get(action)
    if transition is None:
        raise Http404
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            campaign_transition(by=request.user, campaign=campaign, action=action, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="note")
        else:
            messages.success(request, _("已完成：%(action)s。") % {"action": transition.label})
            return redirect("campaigns:detail", pk=campaign.pk)
    campaign = selectors.access_campaign(request.user, pk)
    return render(request, "campaigns/campaign_detail.html",
                  _detail_context(request, campaign, open_action=action, form=form), status=400)
