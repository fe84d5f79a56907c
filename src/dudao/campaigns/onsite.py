"""On-site inspection (实地核查, issue [9] item 5): one field-capture mechanism.

A team member records the inspection of a school allocated to their team with the phone visit form
of the visits app — the same drafts on the device, photos, idempotent submission by client id,
server time and location evidence — as a `Visit` of basis "campaign" (`basis_ref` "campaign:<id>";
visits never imports campaigns). What the campaign adds to that form is registered at start-up
(`register` below, called from campaigns/apps.py) as a `visits.bases.BasisRule`:

- who may record: `member_may_inspect` — a member of the team the school is allocated to, while the
  campaign is in its on-site phase, never at a school they are tied to (回避);
- the framework's items on the form (`campaigns/onsite_items.html`), their answers kept in the
  visit's draft (`Visit.answers`: {indicator id: {value | choice, note}}) and checked per scoring
  type (points in range, rubric level, yes/no, count);
- at submission, in the visit's transaction, one `Score` per item of kind "onsite" with rater = the
  user and visit = the visit. Idempotent: a retried submission returns the submitted visit without
  writing (visits/services.py); each row's `client_id` is derived from the visit's client id and the
  item, and a later visit of the same rater to the same school replaces that rater's rows (the
  constraint (campaign, school, indicator, kind, rater) keeps one row per rater and item);
- 暗访: a campaign marked unannounced fixes the visit's mode to "unannounced".

The team leader records a reconciled score (kind "reconciled") per item, seeing the raters' spread
(`reconcile_rows`, `onsite_reconcile`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from statistics import mean
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.campaigns.models import (
    Campaign,
    CampaignEvidence,
    CampaignSchool,
    CampaignState,
    SchoolTie,
    Score,
    ScoreKind,
    TeamMember,
)
from dudao.frameworks.models import Indicator, ScoringType
from dudao.visits.bases import BasisRule, register_basis
from dudao.visits.models import Visit, VisitBasis, VisitMode, VisitPhoto, VisitStatus
from dudao.visits.services import VisitInput, photo_add, visit_save

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.schools.models import School

REF_PREFIX = "campaign:"
# On-site scores are typed on the phone: every scoring type but the one computed from base data.
ONSITE_TYPES = (ScoringType.POINTS, ScoringType.RUBRIC, ScoringType.YES_NO, ScoringType.COUNT)
MAX_COUNT = Decimal(1_000_000)


def ref_of(campaign: Campaign) -> str:
    return f"{REF_PREFIX}{campaign.pk}"


def campaign_of_ref(ref: str) -> Campaign:
    if not ref.startswith(REF_PREFIX) or not ref[len(REF_PREFIX):].isdigit():
        raise PermissionDenied(_("这条核查记录不属于任何督导项目。"))
    campaign = Campaign.objects.select_related("framework_version").filter(pk=int(ref[len(REF_PREFIX):])).first()
    if campaign is None:
        raise PermissionDenied(_("督导项目不存在。"))
    return campaign


# --- who may (docs/access.md: one predicate, asked by the service; pages and API ask the same) -----


def onsite_open(campaign: Campaign, day: date | None = None) -> bool:
    """Is the campaign in its on-site phase on `day`? The state says so (the campaign workflow's
    "onsite", campaigns/workflow.py) and the planned window, where set, bounds it."""
    day = day or timezone.localdate()
    if campaign.state != CampaignState.ONSITE:
        return False
    if campaign.onsite_start and day < campaign.onsite_start:
        return False
    return not (campaign.onsite_end and day > campaign.onsite_end)


def member_is_tied(user: User, campaign: Campaign, school: School) -> bool:
    """回避: the one rule of the teams part (`teams.tie_reasons`): the member's own 挂牌 schools during
    the on-site window, or a recorded tie (曾任职 always; 亲属任职 and 其他 unless ended before it)."""
    from dudao.campaigns.teams import tie_reasons

    return bool(tie_reasons(campaign=campaign, user_ids=[user.pk], school_ids=[school.pk]))


def member_may_inspect(user: User, campaign: Campaign, school: School, day: date | None = None) -> bool:
    """A member of the team the school is allocated to in this campaign, not tied to the school.
    The on-site phase is checked separately (`require_may_inspect`) so pages can say why."""
    if not getattr(user, "is_authenticated", False):
        return False
    allocated = CampaignSchool.objects.filter(campaign=campaign, school=school, team__isnull=False,
                                              team__members__user=user).exists()
    return allocated and not member_is_tied(user, campaign, school)


def require_may_inspect(user: User, campaign: Campaign, school: School, day: date | None = None) -> None:
    """The check every on-site write makes (start, autosave, photos, submit, API): PermissionDenied
    with the reason in Chinese."""
    if not getattr(user, "is_authenticated", False) or not CampaignSchool.objects.filter(
            campaign=campaign, school=school, team__members__user=user).exists():
        raise PermissionDenied(_("只有该校所在督查组的成员可以实地核查。"))
    if member_is_tied(user, campaign, school):
        raise PermissionDenied(_("您与该校存在回避关系，不能参与对该校的核查。"))
    if not onsite_open(campaign, day):
        raise PermissionDenied(_("该督导项目不在实地督导阶段，不能填写核查记录。"))


def leader_may_reconcile(user: User, campaign: Campaign, school: School) -> bool:
    """The leader of the team the school is allocated to, not tied to it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (CampaignSchool.objects.filter(campaign=campaign, school=school, team__members__user=user,
                                          team__members__is_leader=True).exists()
            and not member_is_tied(user, campaign, school))


def require_may_reconcile(user: User, campaign: Campaign, school: School) -> None:
    if not leader_may_reconcile(user, campaign, school):
        raise PermissionDenied(_("只有该校所在督查组的组长可以核定评分。"))
    if campaign.state not in (CampaignState.ONSITE, CampaignState.PRELIMINARY):
        raise PermissionDenied(_("只有在实地督导或初步意见阶段可以核定评分。"))


# --- the items and their answers -----------------------------------------------------------------


def onsite_items(campaign: Campaign) -> list[Indicator]:
    """The framework's items scored on site, in the framework's order."""
    return list(Indicator.objects.filter(version_id=campaign.framework_version_id, active=True,
                                         scoring__in=ONSITE_TYPES).order_by("order", "id"))


@dataclass
class Answer:
    value: Decimal | None
    choice: str
    note: str


def _number(raw: str) -> Decimal | None:
    try:
        number = Decimal(raw)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def parse_answer(item: Indicator, row: dict[str, str]) -> tuple[Answer | None, str | None]:
    """One item's answer from the form: (answer, None), (None, None) when unanswered, or (None,
    the Chinese error)."""
    note = (row.get("note") or "").strip()[:2000]
    if item.scoring == ScoringType.RUBRIC:
        choice = (row.get("choice") or "").strip()
        if not choice:
            return None, None
        level = next((lv for lv in item.levels or [] if str(lv.get("label")) == choice), None)
        if level is None:
            return None, _("%(code)s：请选择列出的等级。") % {"code": item.code}
        return Answer(_number(str(level.get("score", ""))), choice, note), None
    if item.scoring == ScoringType.YES_NO:
        choice = (row.get("choice") or "").strip()
        if not choice:
            return None, None
        if choice not in ("yes", "no"):
            return None, _("%(code)s：请选择“是”或“否”。") % {"code": item.code}
        top = item.max_score if item.max_score is not None else Decimal(1)
        return Answer(top if choice == "yes" else Decimal(0), choice, note), None
    raw = (row.get("value") or "").strip()
    if not raw:
        return None, None
    number = _number(raw)
    if item.scoring == ScoringType.COUNT:
        if number is None or number < 0 or number != number.to_integral_value() or number > MAX_COUNT:
            return None, _("%(code)s：请填写不小于 0 的整数。") % {"code": item.code}
        return Answer(number, "", note), None
    top = item.max_score if item.max_score is not None else Decimal(100)
    if number is None or number < 0 or number > top:
        return None, _("%(code)s：得分应在 0 到 %(max)s 之间。") % {"code": item.code, "max": _plain(top)}
    if number != number.quantize(Decimal("0.01")):
        return None, _("%(code)s：得分最多保留两位小数。") % {"code": item.code}
    return Answer(number, "", note), None


def _plain(number: Decimal | None) -> str:
    if number is None:
        return ""
    return format(number.normalize(), "f") if number == number.to_integral_value() else format(number, "f")


def check_answers(campaign: Campaign, answers: dict, submitting: bool) -> tuple[dict[int, Answer], dict[str, list[str]]]:
    """Parse every item's answer; on submission each item must be answered."""
    parsed: dict[int, Answer] = {}
    errors: list[str] = []
    for item in onsite_items(campaign):
        answer, error = parse_answer(item, answers.get(str(item.pk)) or {})
        if error:
            errors.append(error)
        elif answer is not None:
            parsed[item.pk] = answer
        elif submitting:
            errors.append(_("%(code)s：请填写评分。") % {"code": item.code})
    return parsed, ({"answers": errors} if errors else {})


# --- the basis rule the visits app asks ---------------------------------------------------------


def _may_record(user: User, school: School, ref: str, day: date) -> None:
    # the phase is judged today (an offline draft started yesterday is submitted today)
    require_may_inspect(user, campaign_of_ref(ref), school, timezone.localdate())


def _check(ref: str, school: School, answers: dict, submitting: bool) -> dict[str, list[str]]:
    return check_answers(campaign_of_ref(ref), answers, submitting)[1]


def score_client_id(visit: Visit, indicator_id: int) -> uuid.UUID:
    """One stable id per (visit, item): the same submission always names the same rows."""
    return uuid.uuid5(visit.client_id, f"onsite:{indicator_id}")


def _on_submit(visit: Visit, by: User) -> None:
    campaign = campaign_of_ref(visit.basis_ref)
    parsed, errors = check_answers(campaign, visit.answers or {}, True)
    if errors:
        raise ValidationError(errors)
    write_onsite_scores(campaign=campaign, visit=visit, rater=by, parsed=parsed)
    link_item_photos(campaign=campaign, visit=visit, by=by)


def write_onsite_scores(*, campaign: Campaign, visit: Visit, rater: User, parsed: dict[int, Answer]) -> int:
    """The rater's Score rows of this school (kind onsite), one per item, linked to the visit."""
    written = 0
    for indicator_id, answer in parsed.items():
        client_id = score_client_id(visit, indicator_id)
        if Score.objects.filter(client_id=client_id).exists():
            continue  # this very submission was written already
        Score.objects.update_or_create(
            campaign=campaign, school_id=visit.school_id, indicator_id=indicator_id, kind=ScoreKind.ONSITE, rater=rater,
            defaults={"value": answer.value, "choice": answer.choice, "note": answer.note, "visit": visit,
                      "client_id": client_id})
        written += 1
    return written


# --- photos per item ---------------------------------------------------------------------------------


def item_photos(campaign: Campaign, visit: Visit) -> dict[int, list[VisitPhoto]]:
    """The visit's uploaded photos taken from an item's block of the form: the draft tags them
    (`answers[item]["photos"]`, client ids); a tag naming no photo of this visit, or an item not on
    the form, is dropped. Each photo is one item's (the first item naming it)."""
    items = {item.pk for item in onsite_items(campaign)}
    photos = {str(photo.client_id): photo for photo in visit.photos.all()}
    out: dict[int, list[VisitPhoto]] = {}
    taken: set[str] = set()
    for key, row in (visit.answers or {}).items():
        if not str(key).isdigit() or int(key) not in items or not isinstance(row, dict):
            continue
        for client_id in row.get("photos") or []:
            photo = photos.get(str(client_id))
            if photo is not None and str(client_id) not in taken:
                taken.add(str(client_id))
                out.setdefault(int(key), []).append(photo)
    return out


def link_item_photos(*, campaign: Campaign, visit: Visit, by: User) -> int:
    """At submission, in the visit's transaction: each photo tagged with an item becomes that item's
    on-site evidence (`CampaignEvidence`, kind onsite) pointing to the very file the visit stored —
    checked, shrunk and hashed once by `visits.services.photo_add`. One row per (school, item, file):
    a retried or repeated submission links nothing twice."""
    created = 0
    for indicator_id, photos in item_photos(campaign, visit).items():
        for photo in photos:
            _row, made = CampaignEvidence.objects.get_or_create(
                campaign=campaign, school_id=visit.school_id, indicator_id=indicator_id, kind=ScoreKind.ONSITE,
                file=photo.image.name,
                defaults={"original_name": (photo.caption or photo.image.name.rsplit("/", 1)[-1])[:200],
                          "content_type": "image/jpeg", "size": _stored_size(photo), "sha256": photo.content_hash,
                          "uploaded_by": by})
            created += made
    return created


def _photo_tags(answers: dict) -> dict[str, str]:
    """{photo client id: item key} of a draft's answers (the first item naming a photo has it)."""
    tags: dict[str, str] = {}
    for key, row in (answers or {}).items():
        if isinstance(row, dict):
            for client_id in row.get("photos") or []:
                tags.setdefault(str(client_id), str(key))
    return tags


@transaction.atomic
def onsite_photo_attach(*, by: User, campaign: Campaign, school: School, visit_client_id: uuid.UUID,
                        indicator_id: int, photo_client_id: uuid.UUID, raw: bytes,
                        caption: str = "") -> tuple[VisitPhoto, bool]:
    """The phone form's 本项拍照 for an API client: one photo of the member's own on-site record of the
    school, tagged with one item. The photo goes through the visit's one upload (`photo_add`: type by
    content, size, EXIF, shrink, hash) and the tag into the draft's answers (`answers[item]["photos"]`),
    so the submission links it as the item's evidence like the form's. Idempotent by the photo's
    client id (and by content): a retry answers the same photo and tags nothing twice — also after
    the submission. Who may: the member who may record the visit now (`require_may_inspect`)."""
    visit = (Visit.objects.select_for_update()
             .filter(client_id=visit_client_id, created_by_id=by.pk, basis=VisitBasis.CAMPAIGN,
                     basis_ref=ref_of(campaign), school_id=school.pk).first())
    if visit is None:
        raise ValidationError({"visit_client_id": [_("没有找到您在该校的这条实地核查记录：请先保存记录，再上传照片。")]})
    items = {item.pk: item for item in onsite_items(campaign)}
    if indicator_id not in items:
        raise ValidationError({"indicator_id": [_("该指标不在本项目实地核查的评分项中。")]})
    key = str(indicator_id)
    answers = dict(visit.answers or {})
    tags = _photo_tags(answers)
    if visit.status == VisitStatus.SUBMITTED:
        done = visit.photos.filter(client_id=photo_client_id).first()
        if done is not None and tags.get(str(done.client_id)) == key:
            return done, False  # a retry after the submission: the same answer
        raise PermissionDenied(_("实地核查记录已提交，不能再添加照片。"))
    require_may_inspect(by, campaign, school)
    photo, created = photo_add(by=by, visit=visit, client_id=photo_client_id, raw=raw, caption=caption)
    tagged = tags.get(str(photo.client_id))
    if tagged is not None and tagged != key:
        other = items.get(int(tagged)) if tagged.isdigit() else None
        raise ValidationError({"indicator_id": [_("这张照片已是「%(code)s」的照片，一张照片只属于一个评分项。")
                                                % {"code": other.code if other else tagged}]})
    if tagged is None:
        row = dict(answers.get(key) or {})
        row["photos"] = [*(row.get("photos") or []), str(photo.client_id)]
        answers[key] = row
        visit.answers = answers
        visit.save(update_fields=["answers", "updated_at"])
    return photo, created


def keep_photo_tags(*, by: User, client_id: uuid.UUID, answers: dict[str, dict]) -> dict[str, dict]:
    """An API save names the answers without their photos: the tags the photo endpoint put on the
    member's draft stay with their items (the phone form sends its tags itself)."""
    visit = Visit.objects.filter(client_id=client_id, created_by_id=by.pk).only("answers").first()
    if visit is None:
        return answers
    merged = {key: dict(row) for key, row in answers.items()}
    for key, row in (visit.answers or {}).items():
        if isinstance(row, dict) and row.get("photos") and "photos" not in merged.get(key, {}):
            merged.setdefault(key, {})["photos"] = list(row["photos"])
    return merged


def _stored_size(photo: VisitPhoto) -> int:
    try:
        return photo.image.size
    except OSError:  # the stored file went missing: the size the phone sent
        return photo.original_bytes


def onsite_photos_by_item(campaign: Campaign, school_id: int) -> dict[int, list[VisitPhoto]]:
    """The on-site evidence photos of a school per item (for the office's result page): the visit
    photos the evidence rows point to, served by the visits app (`visits:photo`, its own scope)."""
    rows = list(CampaignEvidence.objects.filter(campaign=campaign, school_id=school_id, kind=ScoreKind.ONSITE)
                .exclude(indicator=None).values_list("indicator_id", "file").order_by("created_at", "id"))
    photos = {p.image.name: p for p in VisitPhoto.objects.filter(
        visit__school_id=school_id, visit__basis=VisitBasis.CAMPAIGN, visit__basis_ref=ref_of(campaign),
        image__in=[name for _i, name in rows])}
    out: dict[int, list[VisitPhoto]] = {}
    for indicator_id, name in rows:
        if name in photos:
            out.setdefault(indicator_id, []).append(photos[name])
    return out


def _form(visit: Visit) -> dict[str, Any]:
    campaign = campaign_of_ref(visit.basis_ref)
    answers = visit.answers or {}
    rows = []
    for item in onsite_items(campaign):
        given = answers.get(str(item.pk)) or {}
        rows.append({"item": item, "value": given.get("value", ""), "choice": given.get("choice", ""),
                     "photos": given.get("photos") or [],
                     "note": given.get("note", ""), "max": _plain(item.max_score),
                     "levels": [{"label": str(lv.get("label", "")), "descriptor": lv.get("descriptor", ""),
                                 "score": lv.get("score")} for lv in item.levels or []]})
    return {"template": "campaigns/onsite_items.html", "title": campaign.name, "campaign": campaign, "rows": rows,
            "home_label": _("实地核查"),
            "fixed_mode": VisitMode.UNANNOUNCED if campaign.unannounced else "",
            "fixed_mode_label": VisitMode.UNANNOUNCED.label}


def _detail(visit: Visit) -> dict[str, Any] | None:
    """The scores this submitted visit wrote (rater, item, answer, note), for the visit's detail page."""
    campaign = campaign_of_ref(visit.basis_ref)
    scores = {s.indicator_id: s for s in Score.objects.filter(visit=visit, kind=ScoreKind.ONSITE)}
    photos = item_photos(campaign, visit)
    rows = [(item, scores.get(item.pk), photos.get(item.pk, [])) for item in onsite_items(campaign)]
    return {"template": "campaigns/onsite_visit_scores.html", "campaign": campaign, "rows": rows}


def _fixed_mode(ref: str) -> str | None:
    return VisitMode.UNANNOUNCED if campaign_of_ref(ref).unannounced else None


def register() -> None:
    register_basis(VisitBasis.CAMPAIGN, BasisRule(
        may_record=_may_record, check=_check, on_submit=_on_submit, form=_form,
        home_url=lambda visit: reverse("campaigns:onsite_mine"), fixed_mode=_fixed_mode, detail=_detail))


# --- services ---------------------------------------------------------------------------------------


def onsite_save(*, by: User, campaign: Campaign, school: School, data: VisitInput, submit: bool = False) -> tuple[Visit, bool]:
    """Start, save or submit the on-site record of a school: `visits.services.visit_save` with the
    campaign's basis (the rule above checks the member, the phase, the answers). A client id already
    used for another school or campaign is refused; a repeated submission returns the same visit."""
    existing = Visit.objects.filter(client_id=data.client_id).only("school_id", "basis", "basis_ref", "created_by_id").first()
    if existing is not None and (existing.basis != VisitBasis.CAMPAIGN or existing.basis_ref != ref_of(campaign)
                                 or existing.school_id != school.pk or existing.created_by_id != by.pk):
        raise ValidationError({"client_id": [_("这个编号已用于另一条记录。")]})
    return visit_save(by=by, data=data, submit=submit, basis=VisitBasis.CAMPAIGN, basis_ref=ref_of(campaign))


@transaction.atomic
def onsite_reconcile(*, by: User, campaign: Campaign, school: School, values: dict[str, dict[str, str]]) -> int:
    """The leader's reconciled score per item (kind reconciled, rater = the leader): an answer per
    item given, parsed like the raters' (an empty one removes the leader's earlier value)."""
    require_may_reconcile(by, campaign, school)
    errors: list[str] = []
    written = 0
    for item in onsite_items(campaign):
        row = values.get(str(item.pk)) or {}
        answer, error = parse_answer(item, row)
        if error:
            errors.append(error)
            continue
        if answer is None:
            Score.objects.filter(campaign=campaign, school=school, indicator=item, kind=ScoreKind.RECONCILED).delete()
            continue
        Score.objects.update_or_create(
            campaign=campaign, school=school, indicator=item, kind=ScoreKind.RECONCILED, rater=by,
            defaults={"value": answer.value, "choice": answer.choice, "note": answer.note})
        written += 1
    if errors:
        raise ValidationError({"answers": errors})
    # one reconciled value per item: an earlier leader's row (the team changed leader) goes
    Score.objects.filter(campaign=campaign, school=school, kind=ScoreKind.RECONCILED).exclude(rater=by).delete()
    return written


# --- selectors --------------------------------------------------------------------------------------


@dataclass
class SchoolToInspect:
    campaign: Campaign
    entry: CampaignSchool
    is_leader: bool
    draft: Visit | None
    submitted: Visit | None
    raters: int
    open: bool
    tied: bool
    start_id: uuid.UUID = field(default_factory=uuid.uuid4)  # one per start button (a double tap starts one)


def my_schools_to_inspect(user: User, today: date | None = None) -> list[SchoolToInspect]:
    """The schools allocated to the user's teams in campaigns in (or due for) their on-site phase."""
    today = today or timezone.localdate()
    memberships = list(TeamMember.objects.filter(user=user, team__campaign__state=CampaignState.ONSITE)
                       .select_related("team__campaign"))
    if not memberships:
        return []
    leader_of = {m.team_id for m in memberships if m.is_leader}
    entries = list(CampaignSchool.objects.filter(team_id__in=[m.team_id for m in memberships])
                   .select_related("school", "team", "campaign").order_by("campaign_id", "team__order", "school__name"))
    refs = {ref_of(e.campaign) for e in entries}
    mine = list(Visit.objects.filter(created_by=user, basis=VisitBasis.CAMPAIGN, basis_ref__in=refs)
                .order_by("-started_at"))
    raters: dict[tuple[int, int], set[int]] = {}
    for campaign_id, school_id, rater_id in Score.objects.filter(
            campaign_id__in={e.campaign_id for e in entries}, kind=ScoreKind.ONSITE).values_list(
            "campaign_id", "school_id", "rater_id").distinct():
        raters.setdefault((campaign_id, school_id), set()).add(rater_id)
    ties = set(SchoolTie.objects.filter(user=user, school_id__in=[e.school_id for e in entries])
               .exclude(start__gt=today).exclude(end__lt=today).values_list("school_id", flat=True))
    out = []
    for entry in entries:
        ref = ref_of(entry.campaign)
        visits = [v for v in mine if v.basis_ref == ref and v.school_id == entry.school_id]
        out.append(SchoolToInspect(
            campaign=entry.campaign, entry=entry, is_leader=entry.team_id in leader_of,
            draft=next((v for v in visits if v.status == VisitStatus.DRAFT), None),
            submitted=next((v for v in visits if v.status == VisitStatus.SUBMITTED), None),
            raters=len(raters.get((entry.campaign_id, entry.school_id), ())),
            open=onsite_open(entry.campaign, today), tied=entry.school_id in ties))
    return out


@dataclass
class ReconcileRow:
    item: Indicator
    raters: list[Score]
    low: Decimal | None
    high: Decimal | None
    average: Decimal | None
    reconciled: Score | None
    levels: list[dict] = field(default_factory=list)

    @property
    def spread(self) -> Decimal | None:
        return None if self.low is None or self.high is None else self.high - self.low


def reconcile_rows(campaign: Campaign, school: School) -> list[ReconcileRow]:
    """Per item: every rater's on-site score, their spread (lowest, highest, mean) and the leader's
    reconciled score, if any."""
    scores = list(Score.objects.filter(campaign=campaign, school=school, kind__in=(ScoreKind.ONSITE, ScoreKind.RECONCILED))
                  .select_related("rater").order_by("rater__username"))
    rows = []
    for item in onsite_items(campaign):
        mine = [s for s in scores if s.indicator_id == item.pk and s.kind == ScoreKind.ONSITE]
        values = [s.value for s in mine if s.value is not None]
        rows.append(ReconcileRow(
            item=item, raters=mine, low=min(values) if values else None, high=max(values) if values else None,
            average=Decimal(str(round(mean(values), 2))) if values else None,
            reconciled=next((s for s in scores if s.indicator_id == item.pk and s.kind == ScoreKind.RECONCILED), None),
            levels=[{"label": str(lv.get("label", "")), "score": lv.get("score")} for lv in item.levels or []]))
    return rows
