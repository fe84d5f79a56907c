"""Reads of the surveys app for its pages: every query starts from `visible_to(user)` (the one
scope mechanism, `access.questionnaire_q` / `access.survey_q`); `access_*` answer 404 outside what
the person reads and 403 when they read but may not change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from dudao.access import (
    get_scope,
    get_visible_or_404,
    is_office_user,
    may_edit_questionnaire,
    may_run_survey,
)
from dudao.regions.models import Office, Region
from dudao.surveys import abuse
from dudao.surveys.models import Questionnaire, Response, Survey, SurveyLink

VALID = Q(responses__voided=False)


def require_office_user(user) -> None:
    """The survey pages are the offices' (staff write, leaders read); 403 for everyone else."""
    if not is_office_user(user):
        raise PermissionDenied


# --- questionnaires -------------------------------------------------------------------------------------
def questionnaire_list(user, *, q: str = "") -> QuerySet[Questionnaire]:
    qs = Questionnaire.objects.visible_to(user).select_related("office__region").annotate(n_questions=Count("questions"))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return qs.order_by("office__region__code", "code")


def access_questionnaire(user, pk: int) -> Questionnaire:
    require_office_user(user)
    return get_visible_or_404(Questionnaire.objects.visible_to(user).select_related("office__region", "copied_from"), pk=pk)


def access_writable_questionnaire(user, pk: int) -> Questionnaire:
    questionnaire = access_questionnaire(user, pk)
    if not may_edit_questionnaire(user, questionnaire):
        raise PermissionDenied
    return questionnaire


def writable_offices(user) -> QuerySet[Office]:
    """Offices the person creates questionnaires and surveys for: their own as staff; all for admins."""
    scope = get_scope(user)
    if scope.write_everything:
        return Office.objects.select_related("region").order_by("region__code")
    return Office.objects.filter(region__code__in=scope.write_region_codes).select_related("region").order_by("region__code")


def survey_regions(offices) -> QuerySet[Region]:
    """Regions a survey of these offices may cover: the office's region and two levels below."""
    q = Q(pk__in=[])
    for office in offices:
        code = office.region.code
        q |= Q(code__startswith=code, code_len__lte=len(code) + 4)
    return Region.objects.annotate(code_len=Length("code")).filter(q).order_by("code")


# --- surveys --------------------------------------------------------------------------------------------
def survey_list(user) -> QuerySet[Survey]:
    return (Survey.objects.visible_to(user).select_related("office__region", "region", "questionnaire", "campaign")
            .annotate(n_links=Count("links", distinct=True),
                      n_responses=Count("responses", filter=VALID, distinct=True))
            .order_by("-year", "-opens_on", "id"))


def access_survey(user, pk: int) -> Survey:
    require_office_user(user)
    return get_visible_or_404(Survey.objects.visible_to(user).select_related(
        "office__region", "region", "questionnaire", "campaign"), pk=pk)


def access_writable_survey(user, pk: int) -> Survey:
    survey = access_survey(user, pk)
    if not may_run_survey(user, survey):
        raise PermissionDenied
    return survey


@dataclass
class LinkRow:
    link: SurveyLink
    responses: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.responses / self.link.target)) if self.link.target else 0

    @property
    def place(self) -> str:
        return self.link.school.name if self.link.school is not None else self.link.region.name


def link_rows(survey: Survey) -> list[LinkRow]:
    """Every link with its valid responses (voided ones excluded): the progress against the target."""
    links = (survey.links.select_related("school", "region")
             .annotate(n=Count("responses", filter=Q(responses__voided=False))).order_by("region__code", "school__code", "group"))
    return [LinkRow(link=link, responses=link.n) for link in links]


def survey_totals(rows: list[LinkRow]) -> dict[str, int]:
    target = sum(r.link.target for r in rows)
    done = sum(r.responses for r in rows)
    return {"target": target, "responses": done, "percent": min(100, round(100 * done / target)) if target else 0}


def access_link(user, survey: Survey, pk: int) -> SurveyLink:
    return get_visible_or_404(survey.links.select_related("school", "region"), pk=pk)


def access_response(user, survey: Survey, pk: int) -> Response:
    return get_visible_or_404(survey.responses.all(), pk=pk)


def suspicious_responses(survey: Survey) -> list[tuple[Response, list[str]]]:
    """Responses worth a look, with why: answered faster than twice the minimum time, or one of
    `SUSPICIOUS_BURST` or more responses from one address within an hour. Voided ones are listed too
    (with their reason) so the office sees what it decided."""
    fast = abuse.suspicious_seconds()
    busy = (survey.responses.exclude(ip_hash="").values("ip_hash").annotate(n=Count("id"))
            .filter(n__gte=abuse.SUSPICIOUS_BURST).values("ip_hash"))
    rows = list(survey.responses.filter(Q(seconds__lt=fast) | Q(ip_hash__in=busy) | Q(voided=True))
                .select_related("link__school", "link__region", "voided_by").order_by("ip_hash", "submitted_at"))
    burst_ids: set[int] = set()
    by_ip: dict[str, list[Response]] = {}
    for r in rows:
        if r.ip_hash:
            by_ip.setdefault(r.ip_hash, []).append(r)
    for group in by_ip.values():
        start = 0
        for end in range(len(group)):
            while group[end].submitted_at - group[start].submitted_at > timedelta(hours=1):
                start += 1
            if end - start + 1 >= abuse.SUSPICIOUS_BURST:
                burst_ids.update(r.pk for r in group[start:end + 1])
    out = []
    for r in sorted(rows, key=lambda r: (r.submitted_at, r.pk), reverse=True):
        why = []
        if r.seconds is not None and r.seconds < fast:
            why.append(_("用时仅 %(n)s 秒") % {"n": r.seconds})
        if r.pk in burst_ids:
            why.append(_("同一网络地址一小时内提交 %(n)s 份以上") % {"n": abuse.SUSPICIOUS_BURST})
        if why or r.voided:
            out.append((r, why))
    return out
