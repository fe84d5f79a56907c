"""A campaign's stored results (`SchoolResult`) and its findings, from its `Score` rows.

Designed for a province-wide campaign (20,000 schools × 60 items × 3 raters, bench/campaigns.py):
one query for the framework, one for the grade bands, one streamed query over the score tally
(`ScoreTally`, one row per school and item, kept by triggers as scores are written:
campaigns/tally.py) ordered by school, the math in Python (`scoring.py`, per school as its rows
arrive), then one DELETE and one COPY of the results. Nothing here issues a query per school.

The verified score of an item is the re-inspection score when there is one (复查 updates the
result), otherwise the on-site raters' scores aggregated by the campaign's rule (the leader's
reconciled row under "leader"). See scoring.py for totals, veto, grade, ranking and flags.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.campaigns import figures, scoring
from dudao.campaigns.access import may_manage_campaign
from dudao.campaigns.models import (
    Campaign,
    CampaignEvent,
    CampaignSchool,
    SchoolResult,
    Score,
    ScoreKind,
)

if TYPE_CHECKING:
    from dudao.findings.models import Finding
    from dudao.frameworks.models import FrameworkVersion
    from dudao.people.models import User

BATCH = 2000
# A verified item below this share of its max is a problem that becomes a finding (合格线 60%).
PROBLEM_RATIO = Decimal("0.6")
DEFAULT_CATEGORY = "management"  # 校务管理与制度执行 (problem_category dictionary)
DEFAULT_RECTIFICATION_DAYS = 30


# --- the framework as plain values -----------------------------------------------------------------
def load_tree(version: FrameworkVersion) -> scoring.Tree:
    """Two queries: the indicators and the grade bands."""
    from dudao.frameworks.models import GradeBand, Indicator

    items: dict[int, scoring.Item] = {}
    nodes: dict[int, scoring.Node] = {}
    rows = (Indicator.objects.filter(version=version, active=True).order_by("order", "id")
            .values_list("id", "code", "text", "parent_id", "scoring", "max_score", "weight", "levels", "is_veto"))
    for pk, code, text, parent_id, kind, max_score, weight, levels, is_veto in rows:
        if kind:
            parsed = tuple((str(level.get("label", "")), Decimal(str(level.get("score", 0)))) for level in levels or ()
                           if isinstance(level, dict))
            items[pk] = scoring.Item(id=pk, code=code, scoring=kind, max_score=max_score, levels=parsed,
                                     is_veto=is_veto, parent_id=parent_id, text=text)
        else:
            nodes[pk] = scoring.Node(id=pk, code=code, parent_id=parent_id, max_score=max_score, weight=weight,
                                     text=text)
    bands = tuple(GradeBand.objects.filter(version=version).order_by("-min_score").values_list("label", "min_score"))
    return scoring.Tree(weighting=version.weighting, items=items, nodes=nodes, total_score=version.total_score,
                        bands=bands)


# --- one school's answers -------------------------------------------------------------------------
@dataclass
class SchoolAnswers:
    self_answers: dict[int, scoring.Answer]
    rater_answers: dict[int, list[scoring.Answer]]
    reconciled: dict[int, scoring.Answer]
    reinspection: dict[int, scoring.Answer]
    notes: dict[int, list[str]]  # item → raters' notes (on site, reconciled, re-inspection)

    @classmethod
    def empty(cls) -> SchoolAnswers:
        return cls({}, {}, {}, {}, {})


def _add(answers: SchoolAnswers, indicator: int, kind: str, value: Decimal | None, choice: str, note: str) -> None:
    answer = scoring.Answer(value=value, choice=choice or "")
    if kind == ScoreKind.SELF:
        answers.self_answers[indicator] = answer
        return
    if kind == ScoreKind.ONSITE:
        answers.rater_answers.setdefault(indicator, []).append(answer)
    elif kind == ScoreKind.RECONCILED:
        answers.reconciled[indicator] = answer
    elif kind == ScoreKind.REINSPECTION:
        answers.reinspection[indicator] = answer
    if note and note.strip():
        answers.notes.setdefault(indicator, []).append(note.strip())


def stream_answers(campaign: Campaign, *, school_ids: list[int] | None = None,
                   with_notes: bool = False) -> Iterator[tuple[int, SchoolAnswers]]:
    """(school id, answers) per school, from one query ordered by school (streamed)."""
    qs = Score.objects.filter(campaign=campaign)
    if school_ids is not None:
        qs = qs.filter(school_id__in=school_ids)
    fields = ["school_id", "indicator_id", "kind", "value", "choice"] + (["note"] if with_notes else [])
    current: int | None = None
    answers = SchoolAnswers.empty()
    for row in qs.order_by("school_id").values_list(*fields).iterator(chunk_size=20000):
        if row[0] != current:
            if current is not None:
                yield current, answers
            current, answers = row[0], SchoolAnswers.empty()
        _add(answers, row[1], row[2], row[3], row[4], row[5] if with_notes else "")
    if current is not None:
        yield current, answers


def evaluate(tree: scoring.Tree, campaign: Campaign, answers: SchoolAnswers) -> scoring.SchoolOutcome:
    return scoring.evaluate_school(tree, self_answers=answers.self_answers, rater_answers=answers.rater_answers,
                                   reconciled=answers.reconciled, reinspection=answers.reinspection,
                                   rule=campaign.aggregation, threshold=campaign.discrepancy_threshold)


# --- the fast path: the raters per item come aggregated from the tally, the rest in whole cents --------
ITEM_ROWS_SQL = """
SELECT school_id, indicator_id, self_cents,
       self_choice = 'yes' OR (COALESCE(self_choice, '') = '' AND self_cents > 0),
       v,
       CASE WHEN v IS NULL THEN NULL WHEN vc IS NULL OR vc = '' THEN v = 0 ELSE vc = 'no' END
FROM (
    SELECT school_id, indicator_id, self_cents, self_choice,
           CASE WHEN reinspection_cents IS NOT NULL THEN reinspection_cents
                WHEN %(leader)s AND reconciled_cents IS NOT NULL THEN reconciled_cents
                WHEN onsite_count > 0 THEN (2 * onsite_sum + onsite_count) / (2 * onsite_count) END AS v,
           CASE WHEN reinspection_cents IS NOT NULL THEN reinspection_choice
                WHEN %(leader)s AND reconciled_cents IS NOT NULL THEN reconciled_choice
                WHEN onsite_count > 0 AND onsite_yes = onsite_count THEN 'yes'
                WHEN onsite_count > 0 AND onsite_no = onsite_count THEN 'no' END AS vc
    FROM {tally} WHERE campaign_id = %(campaign)s
) t
ORDER BY school_id, indicator_id
"""


def _item_rows(campaign: Campaign) -> Iterator[tuple]:
    """One row per (school, item), ordered by school: the self answer (cents) and whether it says
    yes (是, or any positive score without a choice), the verified score (cents) and whether it
    says no (否, or 0 without a choice). Scores are in cents, clamped to [0, max], yes = max and
    no = 0 from the choice, any other score as stored (for a rubric item the stored value is its
    level's score, as `answer_check` and the on-site form store it). The verified score is the
    re-inspection's, else (rule "leader") the reconciled one, else the raters' mean rounded half up
    (`scoring.mean_cents`: (2·sum + n) div 2n, scores never negative); NULL when nobody rated.

    Read from `ScoreTally` (campaigns/tally.py), which triggers keep up to date as scores are
    written: one row per (school, item) — 1.2 million for a province campaign — instead of grouping
    every rater's score (4.8 million) at computing time; six narrow columns, since turning the
    values into Python objects is most of the reading time."""
    from django.db import connection

    from dudao.campaigns.models import ScoreTally

    sql = ITEM_ROWS_SQL.format(tally=ScoreTally._meta.db_table)
    params = {"leader": campaign.aggregation == scoring.LEADER, "campaign": campaign.pk}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A campaign's rows are a large share of the table, scattered by later writes: one pass
            # over the heap and an in-memory sort (~0.9 s for 1.2 million rows) beats following the
            # index row by row (~2 s, a buffer access per row); JIT costs more than it saves here.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20000):
            yield from rows


@dataclass
class FastOutcome:
    self_total: Decimal | None
    verified_total: Decimal | None
    grade: str
    vetoed: bool
    flags: list[dict]


def fast_outcomes(campaign: Campaign, tree: scoring.Tree, lost: dict[tuple[int, int], int] | None = None,
                  sums: dict[int, list[int]] | None = None) -> dict[int, FastOutcome]:
    """Every school's outcome from one aggregating query (see `_item_rows`), as `evaluate` would
    give it (tests/campaigns/test_scoring_fast.py checks they agree). Mean and leader rules; the
    median needs every rater's score and goes through `evaluate`. `lost`, when given, receives the
    verified score (cents) of every (school, item) that lost marks: the findings' candidates;
    `sums` (`figures.sums_by_item()`), item → [verified cents summed, schools with one]: the
    dashboard's item figures, from the same pass."""
    plan = scoring.plan(tree)
    threshold = scoring.to_cents(campaign.discrepancy_threshold) or 0
    items = tree.items
    descriptive = {i.id for i in items.values() if i.max_score is None and i.scoring in (scoring.COUNT, scoring.COMPUTED)}
    yes_no = {i.id for i in items.values() if i.scoring == scoring.YES_NO}
    veto = {i.id for i in items.values() if i.is_veto}
    order = {item_id: n for n, item_id in enumerate(items)}  # flags in framework order, as `evaluate` lists them
    # a yes/no item without points scores 1 for 是 (scoring.item_score): a 否 lost marks too
    full = {i.id: scoring.to_cents(_top(i)) for i in items.values() if _top(i) is not None}
    out: dict[int, FastOutcome] = {}
    current: int | None = None
    own: dict[int, int] = {}
    found: dict[int, int] = {}
    flags: list[dict] = []
    vetoed = False

    def close(school_id: int) -> None:
        self_total = scoring.totals_cents(plan, own) if own else None
        if not found:
            out[school_id] = FastOutcome(self_total, None, "", False, [])
            return
        total = scoring.totals_cents(plan, found)
        flags.sort(key=lambda f: order[f["indicator"]])
        out[school_id] = FastOutcome(self_total, total, scoring.grade(tree, total, vetoed=vetoed), vetoed, list(flags))

    for school_id, item_id, self_c, said_yes, verified, found_no in _item_rows(campaign):
        if school_id != current:
            if current is not None:
                close(current)
            current, own, found, flags, vetoed = school_id, {}, {}, [], False
        if item_id not in items or item_id in descriptive:
            continue
        if self_c is not None:
            own[item_id] = self_c
        if verified is None:
            continue
        found[item_id] = verified
        if sums is not None:
            cell = sums[item_id]
            cell[0] += verified
            cell[1] += 1
        if lost is not None and item_id in full and verified < (full[item_id] or 0):
            lost[(school_id, item_id)] = verified
        if verified == 0 and item_id in veto:
            vetoed = True
        if self_c is None:
            continue
        if item_id in yes_no and said_yes and found_no:
            flags.append(_flag(items[item_id], "yes_no", self_c, verified))
            continue
        if self_c - verified > threshold:
            flags.append(_flag(items[item_id], "higher", self_c, verified))
    if current is not None:
        close(current)
    return out


def _cents_text(cents: int) -> str:
    """str(scoring.from_cents(cents)) for the non-negative scores of the fast path ("5.00", "0.50")."""
    return f"{cents // 100}.{cents % 100:02d}"


def _flag(item: scoring.Item, kind: str, self_c: int, verified: int) -> dict:
    return {"indicator": item.id, "code": item.code, "kind": kind, "self": _cents_text(self_c),
            "verified": _cents_text(verified)}


# --- computing and storing the results --------------------------------------------------------------
@dataclass
class ComputeReport:
    schools: int
    created: int
    updated: int
    graded: int
    vetoed: int
    flagged: int


def _check_manager(by: User | None, campaign: Campaign) -> None:
    if by is not None and not may_manage_campaign(by, campaign):
        raise PermissionDenied(_("只有组织督导室的工作人员可以计算督导结果。"))


RESULT_COLUMNS = ("created_at", "updated_at", "campaign_id", "school_id", "self_total", "verified_total", "grade",
                  "vetoed", "rank", "flag_count", "flags", "computed_at")


def _insert_results(rows: list[tuple]) -> None:
    """Insert result rows (tuples in RESULT_COLUMNS order): on PostgreSQL by COPY (bulk_create's
    client-side quoting of 20,000 JSON flag lists took most of the computation's time), elsewhere by
    bulk_create."""
    import json

    from django.db import connection

    if connection.vendor != "postgresql":
        SchoolResult.objects.bulk_create([SchoolResult(**dict(zip(RESULT_COLUMNS, row, strict=True))) for row in rows],
                                         batch_size=BATCH)
        return
    flags_at = RESULT_COLUMNS.index("flags")
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {SchoolResult._meta.db_table} ({', '.join(RESULT_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row[:flags_at], json.dumps(row[flags_at], ensure_ascii=False), *row[flags_at + 1:]))


def _add_sums(sums: dict[int, list[int]], outcome: scoring.SchoolOutcome) -> None:
    """Add a school's verified item scores (cents) to the item sums (`fast_outcomes`' `sums`)."""
    for row in outcome.items:
        if row.verified is not None:
            cell = sums[row.item.id]
            cell[0] += scoring.to_cents(row.verified) or 0
            cell[1] += 1


def item_sums(campaign: Campaign, tree: scoring.Tree) -> dict[int, list[int]]:
    """item → [verified cents summed, schools with a verified score] from the scores as they are now,
    by the campaign's rule: what `campaign_results_compute` accumulates as it computes."""
    sums = figures.sums_by_item()
    if campaign.aggregation == scoring.MEDIAN:
        for _sid, answers in stream_answers(campaign):
            _add_sums(sums, evaluate(tree, campaign, answers))
    else:
        fast_outcomes(campaign, tree, sums=sums)
    return sums


def campaign_results_compute(*, campaign: Campaign, by: User | None = None,
                             ranking: str = scoring.COMPETITION) -> ComputeReport:
    """Compute and store every school's result of the campaign; running it again rewrites them.

    `by=None` is the system (a task, re-inspection); otherwise office staff of the campaign's office."""
    _check_manager(by, campaign)
    tree = load_tree(campaign.framework_version)
    team_of = dict(CampaignSchool.objects.filter(campaign=campaign).values_list("school_id", "team_id"))
    school_ids = list(team_of)
    outcomes: dict[int, scoring.SchoolOutcome | FastOutcome] = {}
    sums = figures.sums_by_item()
    if campaign.aggregation == scoring.MEDIAN:
        for school_id, answers in stream_answers(campaign):
            outcomes[school_id] = evaluated = evaluate(tree, campaign, answers)
            _add_sums(sums, evaluated)
    else:
        outcomes.update(fast_outcomes(campaign, tree, sums=sums))
    totals = {sid: (outcomes[sid].verified_total if sid in outcomes else None) for sid in school_ids}
    vetoed = [sid for sid, o in outcomes.items() if o.vetoed]
    ranks = scoring.rank(totals, vetoed=vetoed, method=ranking)
    now = timezone.now()
    with transaction.atomic():
        existing = set(SchoolResult.objects.filter(campaign=campaign).values_list("school_id", flat=True))
        rows = []
        by_team: list[tuple[int | None, Decimal | None, str, bool, int]] = []  # the figures per team
        for sid in school_ids:
            outcome = outcomes.get(sid)
            if outcome is None:
                flags: list = []
            elif isinstance(outcome, FastOutcome):
                flags = outcome.flags  # already the stored form
            else:
                flags = [f.as_json() for f in outcome.flags]
            # in RESULT_COLUMNS order
            rows.append((now, now, campaign.pk, sid, outcome.self_total if outcome else None,
                         outcome.verified_total if outcome else None, outcome.grade if outcome else "",
                         outcome.vetoed if outcome else False, ranks.get(sid), len(flags), flags, now))
            by_team.append((team_of[sid], outcome.verified_total if outcome else None, outcome.grade if outcome else "",
                            bool(outcome and outcome.vetoed), len(flags)))
        # Results are computed, never typed: the campaign's rows are replaced by one DELETE and one
        # COPY (PostgreSQL; batched INSERTs elsewhere), far faster than an UPDATE per row; a school
        # taken out of the scope loses its row with the rest.
        SchoolResult.objects.filter(campaign=campaign).delete()
        _insert_results(rows)
        # the dashboard's figures per team and per item, as of these results (campaigns/figures.py)
        figures.store_with_results(campaign, tree, sums, now, by_team)
        if by is not None:
            CampaignEvent.objects.create(campaign=campaign, actor=by, action="results_computed",
                                         note=_("计算 %(n)s 所学校的结果") % {"n": len(school_ids)})
    updated = len(existing & set(school_ids))
    return ComputeReport(schools=len(school_ids), created=len(school_ids) - updated, updated=updated,
                         graded=sum(1 for o in outcomes.values() if o.grade),
                         vetoed=len(vetoed), flagged=sum(1 for o in outcomes.values() if o.flags))


def school_outcome(campaign: Campaign, school_id: int, tree: scoring.Tree | None = None
                   ) -> tuple[scoring.SchoolOutcome, SchoolAnswers]:
    """One school's outcome item by item (the side-by-side page), from one query."""
    tree = tree or load_tree(campaign.framework_version)
    answers = next((a for _sid, a in stream_answers(campaign, school_ids=[school_id], with_notes=True)),
                   SchoolAnswers.empty())
    return evaluate(tree, campaign, answers), answers


# --- reading the stored results (pages, export, API) -----------------------------------------------
def region_choices(entries: list[CampaignSchool]) -> list[tuple[str, str]]:
    """The counties (or, in a one-county campaign, the townships) of the campaign's schools."""
    from dudao.regions.models import Region

    counties = {e.school.region_code[:6] for e in entries}
    width = 6 if len(counties) > 1 else 9
    codes = sorted({e.school.region_code[:width] for e in entries if e.school.region_code})
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [(code, names.get(code, code)) for code in codes]


def ranking_rows(campaign: Campaign, region: str = "") -> list[dict[str, Any]]:
    """Every school of the campaign (or of one region) with its stored result and, in a region,
    its rank within the region (the same rule as the campaign rank). Two queries."""
    entries = list(CampaignSchool.objects.filter(campaign=campaign).select_related("school", "team")
                   .order_by("school__name"))
    results = {r.school_id: r for r in SchoolResult.objects.filter(campaign=campaign)}
    if region:
        entries = [e for e in entries if e.school.region_code.startswith(region)]
    rows: list[dict[str, Any]] = [{"entry": e, "school": e.school, "result": results.get(e.school_id)}
                                  for e in entries]
    local = scoring.rank({r["school"].pk: (r["result"].verified_total if r["result"] else None) for r in rows},
                         vetoed=[r["school"].pk for r in rows if r["result"] and r["result"].vetoed])
    for row in rows:
        row["region_rank"] = local[row["school"].pk]
    rows.sort(key=lambda r: (r["result"] is None or r["result"].rank is None,
                             r["result"].rank if r["result"] and r["result"].rank else 0, r["school"].name))
    return rows



# --- findings -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    school_id: int
    item: scoring.Item
    verified: Decimal
    veto: bool
    notes: tuple[str, ...]

    @property
    def key(self) -> tuple[int, int]:
        return (self.school_id, self.item.id)


def _top(item: scoring.Item) -> Decimal | None:
    """The most an item scores: its points, or 1 for a yes/no item of a checklist without points."""
    if item.max_score is None and item.scoring == scoring.YES_NO:
        return Decimal(1)
    return item.max_score


def is_problem(item: scoring.Item, verified: Decimal | None, notes: list[str]) -> bool:
    """A verified item that lost marks and is "否" (also on a checklist without points), a failed
    veto, below 60% of its max, or that a rater described (扣分原因 / 存在的问题)."""
    top = _top(item)
    if verified is None or top is None:
        return False
    if verified >= top:
        return False
    if verified == scoring.ZERO or verified < top * PROBLEM_RATIO:
        return True
    return bool(notes)


def campaign_problems(campaign: Campaign, tree: scoring.Tree | None = None) -> list[Problem]:
    """The campaign's problems, by school and in framework order: from the fast path (one
    aggregating query, one query for the raters' notes) or, for a median campaign, `evaluate`."""
    tree = tree or load_tree(campaign.framework_version)
    if campaign.aggregation != scoring.MEDIAN:
        return _fast_problems(campaign, tree)
    return _reference_problems(campaign, tree)


def _reference_problems(campaign: Campaign, tree: scoring.Tree) -> list[Problem]:
    problems: list[Problem] = []
    for school_id, answers in stream_answers(campaign, with_notes=True):
        outcome = evaluate(tree, campaign, answers)
        for row in outcome.items:
            notes = answers.notes.get(row.item.id, [])
            if is_problem(row.item, row.verified, notes):
                assert row.verified is not None
                problems.append(Problem(school_id, row.item, row.verified,
                                        row.item.is_veto and row.verified == scoring.ZERO, tuple(notes)))
    return problems


def _fast_problems(campaign: Campaign, tree: scoring.Tree) -> list[Problem]:
    lost: dict[tuple[int, int], int] = {}
    fast_outcomes(campaign, tree, lost=lost)
    notes: dict[tuple[int, int], list[str]] = {}
    rows = (Score.objects.filter(campaign=campaign, kind__in=[ScoreKind.ONSITE, ScoreKind.RECONCILED,
                                                              ScoreKind.REINSPECTION])
            .exclude(note="").order_by("id").values_list("school_id", "indicator_id", "note"))
    for school_id, indicator_id, note in rows:
        if note.strip():
            notes.setdefault((school_id, indicator_id), []).append(note.strip())
    order = {item_id: n for n, item_id in enumerate(tree.items)}
    problems = []
    for (school_id, item_id), cents in sorted(lost.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        item = tree.items[item_id]
        verified = scoring.from_cents(cents)
        found = notes.get((school_id, item_id), [])
        if is_problem(item, verified, found):
            assert verified is not None
            problems.append(Problem(school_id, item, verified, item.is_veto and verified == scoring.ZERO, tuple(found)))
    return problems


def _describe(problem: Problem) -> str:
    item = problem.item
    if item.scoring == scoring.YES_NO:
        found = _("核查结果：否")
    else:
        found = _("核查得分 %(score)s / %(max)s") % {"score": f"{problem.verified.normalize():f}",
                                                 "max": f"{(item.max_score or scoring.ZERO).normalize():f}"}
    text = f"{item.code} {item.text}（{found}）"
    if problem.veto:
        text = _("【一票否决】") + text
    if problem.notes:
        text += "\n" + "\n".join(problem.notes)
    return text


def existing_finding_keys(campaign: Campaign) -> set[tuple[int, int]]:
    from dudao.findings.models import Finding, FindingSource

    keys = set()
    for data in Finding.objects.filter(source=FindingSource.CAMPAIGN, source_data__campaign=campaign.pk
                                       ).values_list("source_data", flat=True):
        if isinstance(data, dict) and "school" in data and "indicator" in data:
            keys.add((int(data["school"]), int(data["indicator"])))
    return keys


def campaign_findings_create(*, campaign: Campaign, by: User, requirement: str = "", deadline: date | None = None,
                             category: str = DEFAULT_CATEGORY) -> tuple[list[Finding], int]:
    """Every problem of the campaign becomes one finding in the ledger (source = the campaign), all
    at once through findings.services.findings_bulk_create; a problem already in the ledger is
    skipped, so running this twice never creates a second. Returns (created, skipped)."""
    from dudao.findings.models import FindingSeverity, FindingSource
    from dudao.findings.services import findings_bulk_create

    _check_manager(by, campaign)
    with transaction.atomic():
        # Serialise two clicks on the button: the second one waits, then finds the first one's rows.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk", flat=True).first()
        problems = campaign_problems(campaign)
        done = existing_finding_keys(campaign)
        todo = [p for p in problems if p.key not in done]
        if not todo:
            return [], len(problems)
        from dudao.schools.models import School

        schools = School.objects.in_bulk({p.school_id for p in todo})
        try:
            url = reverse("campaigns:result_list", args=[campaign.pk])
        except Exception:  # noqa: BLE001 - the pages may not be installed (tasks)
            url = ""
        items: list[dict[str, Any]] = [{
            "office": campaign.office, "school": schools[p.school_id], "category": category,
            "description": _describe(p),
            "severity": FindingSeverity.CRITICAL if p.veto else FindingSeverity.NORMAL,
            "source_data": {"campaign": campaign.pk, "school": p.school_id, "indicator": p.item.id,
                            "code": p.item.code, "verified": str(p.verified)},
        } for p in todo]
        created = findings_bulk_create(
            by=by, items=items, source=FindingSource.CAMPAIGN,
            requirement=requirement.strip() or _("按督导意见逐项整改，并在期限内报送整改情况。"),
            deadline=deadline or (campaign.rectification_deadline
                                  or timezone.localdate() + timedelta(days=DEFAULT_RECTIFICATION_DAYS)),
            source_label=campaign.name[:200], source_url=url)
        CampaignEvent.objects.create(campaign=campaign, actor=by, action="findings_created",
                                     note=_("登记整改问题 %(n)s 条") % {"n": len(created)})
    return created, len(problems) - len(todo)


# --- re-inspection (复查) -----------------------------------------------------------------------------
def school_result_refresh(*, campaign: Campaign, school_id: int, ranking: str = scoring.COMPETITION) -> SchoolResult:
    """Recompute one school (after a re-inspection score) and re-rank the campaign from the stored
    totals: three queries and one bulk update, not a whole recompute."""
    tree = load_tree(campaign.framework_version)
    outcome, _answers = school_outcome(campaign, school_id, tree)
    with transaction.atomic():
        row, _created = SchoolResult.objects.select_for_update().get_or_create(campaign=campaign, school_id=school_id)
        row.self_total, row.verified_total = outcome.self_total, outcome.verified_total
        row.grade, row.vetoed = outcome.grade, outcome.vetoed
        row.flags = [f.as_json() for f in outcome.flags]
        row.flag_count = len(row.flags)
        row.computed_at = timezone.now()
        row.save()
        others = list(SchoolResult.objects.filter(campaign=campaign).only("id", "verified_total", "vetoed", "rank"))
        ranks = scoring.rank({r.pk: r.verified_total for r in others}, vetoed=[r.pk for r in others if r.vetoed],
                             method=ranking)
        moved = [r for r in others if r.rank != ranks[r.pk]]
        for r in moved:
            r.rank = ranks[r.pk]
            r.updated_at = row.computed_at
        SchoolResult.objects.bulk_update(moved, ["rank", "updated_at"], batch_size=BATCH)
        row.rank = ranks[row.pk]
        figures.figures_forget(campaign, teams=True, items=True)  # computed again on the next read
    return row


def reinspection_record(*, by: User, campaign: Campaign, school_id: int, indicator_id: int,
                        value: Decimal | str | None = None, choice: str = "", note: str = "") -> Score:
    """A re-inspection (复查) score of one item: stored (one per item and rater), and the school's
    result updated at once. Office staff of the campaign's office."""
    _check_manager(by, campaign)
    tree = load_tree(campaign.framework_version)
    item = tree.items.get(indicator_id)
    if item is None or not CampaignSchool.objects.filter(campaign=campaign, school_id=school_id).exists():
        raise ValidationError(_("该学校或指标不属于本督导项目。"))
    try:
        answer = scoring.answer_check(item, value=value, choice=choice)
    except scoring.AnswerError as exc:
        raise ValidationError({"value": [str(exc)]}) from None
    with transaction.atomic():
        score, _created = Score.objects.update_or_create(
            campaign=campaign, school_id=school_id, indicator_id=indicator_id, kind=ScoreKind.REINSPECTION, rater=by,
            defaults={"value": answer.value, "choice": answer.choice, "note": (note or "").strip()})
        school_result_refresh(campaign=campaign, school_id=school_id)
    return score
