"""On-site inspection pages (实地核查, campaigns/onsite.py).

- 我的核查学校 (`onsite_mine`, phone): the schools allocated to the user's teams in campaigns in
  their on-site phase, with a start button each; the scoring form itself is the visit form
  (`visits:field_form`) with the framework's items — one phone form, one offline mechanism;
- starting (`onsite_start`, POST): the server time and the phone's position, then the form;
- 组长核定 (`onsite_reconcile`): the leader of the school's team sees every rater's score and its
  spread per item, and records the reconciled score.
Who may: `onsite.require_may_inspect` / `require_may_reconcile`, asked by the services; the pages
ask the same predicates (a school outside one's teams answers 404, existence not disclosed).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao.campaigns.models import Campaign, CampaignSchool
from dudao.campaigns.onsite import (
    leader_may_reconcile,
    my_schools_to_inspect,
    onsite_reconcile,
    onsite_save,
    reconcile_rows,
    require_may_reconcile,
)
from dudao.core.errors import error_dict, joined_messages
from dudao.visits.capture import input_from, posted
from dudao.visits.models import VisitStatus


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    rows = my_schools_to_inspect(request.user, timezone.localdate())
    return render(request, "campaigns/onsite_mine.html", {
        "rows": rows, "submitted_ids": [str(r.submitted.client_id) for r in rows if r.submitted]})


def _allocated_entry(user, campaign_pk, school_pk) -> CampaignSchool:
    """The campaign school, if allocated to one of the user's teams (404 otherwise: not disclosed)."""
    entry = (CampaignSchool.objects.filter(campaign_id=campaign_pk, school_id=school_pk, team__members__user=user)
             .select_related("campaign__framework_version", "school", "team").first())
    if entry is None:
        raise Http404
    return entry


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """开始核查: the visit is created now (server time, the phone's time and position)."""
    try:
        entry = _allocated_entry(request.user, int(request.POST.get("campaign") or 0), int(request.POST.get("school") or 0))
    except ValueError as exc:
        raise Http404 from exc
    try:
        client_id = uuid.UUID(request.POST.get("client_id") or "")
    except ValueError:
        client_id = uuid.uuid4()
    try:
        data = input_from(posted(request.POST), client_id=client_id, school=entry.school)
        visit, _created = onsite_save(by=request.user, campaign=entry.campaign, school=entry.school, data=data)
    except ValidationError as exc:
        messages.error(request, joined_messages(exc))
        return redirect("campaigns:onsite_mine")
    except PermissionDenied as exc:  # out of the on-site phase, 回避: the reason, on the list
        messages.error(request, str(exc))
        return redirect("campaigns:onsite_mine")
    if visit.status == VisitStatus.SUBMITTED:
        return redirect("visits:detail", pk=visit.pk)
    return redirect("visits:field_form", client_id=visit.client_id)


@login_required
@require_http_methods(["GET", "POST"])
def reconcile(request: HttpRequest, pk: int, school_pk: int) -> HttpResponse:
    entry = _allocated_entry(request.user, pk, school_pk)
    campaign: Campaign = entry.campaign
    if not leader_may_reconcile(request.user, campaign, entry.school):
        raise PermissionDenied(_("只有该校所在督查组的组长可以核定评分。"))
    errors: dict = {}
    if request.method == "POST":
        values = posted(request.POST)["answers"]
        try:
            onsite_reconcile(by=request.user, campaign=campaign, school=entry.school, values=values)
        except ValidationError as exc:
            errors = error_dict(exc)
        else:
            messages.success(request, _("核定评分已保存。"))
            return redirect("campaigns:onsite_reconcile", pk=campaign.pk, school_pk=entry.school.pk)
    try:
        require_may_reconcile(request.user, campaign, entry.school)
        may_save = True
    except PermissionDenied:
        may_save = False
    return render(request, "campaigns/onsite_reconcile.html", {
        "campaign": campaign, "entry": entry, "school": entry.school, "rows": reconcile_rows(campaign, entry.school),
        "errors": errors, "may_save": may_save,
    })
