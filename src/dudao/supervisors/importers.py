"""Excel/CSV import of the supervisor roster (督学名册), run by the engine in dudao.imports.

A row is matched to an existing supervisor by 督学证编号 when given, otherwise by office, name and
phone. New supervisors are registered through `supervisor_create`, so their entry (聘任) is
recorded in the status history the team statistics read; existing ones through
`supervisor_update`. The engine writes all rows or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from dudao.access import can_manage_office
from dudao.core import columns as c
from dudao.regions.models import Office
from dudao.supervisors.models import Degree, Gender, Supervisor, SupervisorKind, SupervisorLevel, Title
from dudao.supervisors.selectors import background_labels, managed_offices
from dudao.supervisors.services import supervisor_create, supervisor_update

if TYPE_CHECKING:
    from dudao.people.models import User

RowProblem = tuple[str, str]  # (column title, message)


def _labels(enum) -> dict[str, str]:
    return {m.value: str(m.label) for m in enum}


def optional(parse):
    """Blank stays blank: the engine passes None for empty optional cells and absent columns."""

    def wrapped(raw):
        return "" if c.is_blank(raw) else parse(raw)

    return wrapped


def mobile(raw) -> str:
    value = c._code(raw).replace(" ", "").replace("-", "")
    if not (len(value) == 11 and value.isascii() and value.isdigit() and value[0] == "1"):
        raise c.CellError(f"应为 11 位手机号（现为“{value}”）")
    return value


def office_code(raw) -> str:
    value = c._code(raw)
    if value and not (value.isascii() and value.isdigit() and len(value) in (2, 4, 6)):
        raise c.CellError(f"应为督导室所在省（2位）、市（4位）或县（6位）的区划代码（现为“{value}”）")
    return value



def office_by_code(code: str, offices: dict[str, Office], problems: list[RowProblem], *,
                   none_managed: str = "请填写督导室所在区划的代码（您管理多个督导室）",
                   unknown: str = "没有对应的督导室") -> Office | None:
    """The office of a row's 所属督导室 column among those the importing user manages (`offices`, by
    region code); an empty cell means the only one. Problems name the column in Chinese."""
    if not code:
        if len(offices) == 1:
            return next(iter(offices.values()))
        problems.append(("所属督导室", "请填写督导室所在区划的代码（您管理多个督导室）" if offices else none_managed))
        return None
    office = offices.get(code)
    if office is None:
        if Office.objects.filter(region__code=code).exists():
            problems.append(("所属督导室", f"{code} 的督导室不在您的管辖范围内"))
        else:
            problems.append(("所属督导室", f"{code} {unknown}"))
    return office

class SupervisorImporter:
    kind = "supervisors"
    sheet_name = "督学名册"
    codes_sheet = "督导室代码"
    text_columns = ("手机号", "聘书编号", "督学证编号", "所属督导室")
    columns: list[c.Column] = [
        c.Column("name", "姓名", c.text(32), required=True, example="李命均"),
        c.Column("gender", "性别", optional(c.choice(_labels(Gender))), example="男", help="男、女"),
        c.Column("birth_date", "出生日期", c.date, example="1975-03-02", help="如 1975-03-02、1975/3/2 或 1975年3月2日"),
        c.Column("phone", "手机号", mobile, required=True, example="13812345678", help="11 位手机号，请把该列设为文本格式"),
        c.Column("kind", "类别", c.choice(_labels(SupervisorKind)), required=True, example="专职", help="专职、兼职"),
        c.Column("level", "级别", optional(c.choice(_labels(SupervisorLevel))), example="县级", help="省级、市级、县级；空白按所属督导室的级别"),
        c.Column("office_code", "所属督导室", office_code, example="430182",
                 help="督导室所在区划的代码（见“督导室代码”工作表）；只管理一个督导室时可留空"),
        c.Column("appointed_on", "聘任日期", c.date, example="2023-08-15", aliases=("聘任（任命）日期", "任命日期")),
        c.Column("appointing_body", "聘任机关", c.text(100), example="宁乡市人民政府", aliases=("聘任（任命）机关",)),
        c.Column("letter_no", "聘书编号", c.text(40), example="宁督聘〔2023〕001号"),
        c.Column("certificate_no", "督学证编号", c.text(40), example="湘督证4301820001",
                 help="填写后按督学证编号匹配已登记的督学并更新；不填则按督导室、姓名和手机号匹配"),
        c.Column("background", "来源背景", c.text(40), example="原校长（园长）", help="数据字典“督学来源背景”中的名称"),
        c.Column("former_post", "原工作单位及职务", c.text(100), example="宁乡市某中学校长"),
        c.Column("degree", "学历", optional(c.choice(_labels(Degree))), example="本科", help="、".join(_labels(Degree).values())),
        c.Column("title", "职称", optional(c.choice(_labels(Title))), example="高级", help="、".join(_labels(Title).values())),
    ]
    notes = [
        "填写说明：",
        "1. 带 * 的列为必填；请不要修改、删除或调换表头。",
        "2. 手机号和督学证编号请将单元格格式设为“文本”；日期可用 Excel 日期格式，或写成 1975-03-02、1975/3/2、1975年3月2日。",
        "3. 导入是“全部成功或全部不写入”：只要有一处错误，系统会列出所有错误的行号和列名，且不写入任何数据。",
        "4. 已登记的督学（按督学证编号；没有督学证编号时按督导室、姓名和手机号）会被更新；新督学按聘任日期记为入职。",
        "5. 支持 .xlsx、.xls、.csv（UTF-8 或 GBK 编码）；单个文件不超过 20 MB；请勿使用公式。",
        "",
        "各列说明：",
    ]

    def __init__(self, user: User):
        self.user = user
        self.offices: dict[str, Office] = {}
        self.backgrounds: dict[str, str] = {}
        self.background_choices: list[str] = []
        self.by_certificate: dict[str, Supervisor] = {}
        self.by_person: dict[tuple[int, str, str], Supervisor] = {}
        self.seen_certificates: dict[str, int] = {}
        self.seen_people: dict[tuple[int, str, str], int] = {}
        self.to_create: list[dict] = []
        self.to_update: list[tuple[Supervisor, dict]] = []

    @staticmethod
    def template_codes(user: User) -> list[tuple[str, str]]:
        """The 督导室代码 sheet of the template: the offices the user may import into."""
        return [(o.region.code, o.name) for o in managed_offices(user)]

    def prepare(self, codes_hint: Sequence[str] = ()) -> None:
        self.offices = {o.region.code: o for o in managed_offices(self.user)}
        labels = background_labels(active_only=True)
        self.background_choices = list(labels.values())
        self.backgrounds = {label: code for code, label in labels.items()} | {code: code for code in labels}
        for s in Supervisor.objects.exclude(certificate_no="").select_related("office__region"):
            self.by_certificate[s.certificate_no] = s
        office_ids = [o.pk for o in self.offices.values()]
        for s in Supervisor.objects.filter(office_id__in=office_ids).select_related("office__region"):
            self.by_person[(s.office_id, s.name, s.phone)] = s

    def _office(self, code: str, problems: list[RowProblem]) -> Office | None:
        return office_by_code(code, self.offices, problems)

    def check(self, row: dict, rownum: int) -> list[RowProblem]:
        problems: list[RowProblem] = []
        office = self._office(row.pop("office_code"), problems)
        label = row.get("background", "")
        if label:
            code = self.backgrounds.get(label)
            if code is None:
                problems.append(("来源背景", f"应为以下之一：{'、'.join(self.background_choices)}（现为“{label}”）"))
            else:
                row["background"] = code
        if row.get("birth_date") and row.get("appointed_on") and row["appointed_on"] <= row["birth_date"]:
            problems.append(("聘任日期", "聘任日期应晚于出生日期"))
        certificate = row.get("certificate_no", "")
        if certificate:
            if certificate in self.seen_certificates:
                problems.append(("督学证编号", f"与第 {self.seen_certificates[certificate]} 行重复"))
            else:
                self.seen_certificates[certificate] = rownum
        if office is None or problems:
            return problems
        person = (office.pk, row["name"], row["phone"])
        if person in self.seen_people:
            problems.append(("姓名", f"同一督导室、姓名和手机号与第 {self.seen_people[person]} 行重复"))
            return problems
        self.seen_people[person] = rownum
        existing = self.by_certificate.get(certificate) if certificate else None
        if existing is None:
            same_person = self.by_person.get(person)
            if same_person is not None and not (certificate and same_person.certificate_no):
                existing = same_person  # registered earlier without a certificate number
        if existing is not None and not can_manage_office(self.user, existing.office):
            problems.append(("督学证编号", "该督学证编号已登记在其他督导室名下，您无权修改"))
            return problems
        if existing is not None and existing.office_id != office.pk:
            problems.append(("所属督导室", f"该督学已登记在{existing.office.name}，不能通过导入调动"))
            return problems
        # An update changes what the file says; blank cells do not erase what is on record.
        row = {k: v for k, v in row.items() if v is not None and (existing is None or v != "")}
        row["office"] = office
        if not row.get("level"):
            row["level"] = office.level if office.level in SupervisorLevel.values else ""
            if not row["level"]:
                problems.append(("级别", "请填写级别"))
                return problems
        if existing is None:
            self.to_create.append(row)
        else:
            self.to_update.append((existing, row))
        return problems

    def write(self) -> tuple[int, int]:
        for row in self.to_create:
            supervisor_create(by=self.user, **row)
        for supervisor, row in self.to_update:
            supervisor_update(supervisor=supervisor, by=self.user, **row)
        return len(self.to_create), len(self.to_update)


IMPORTERS = {SupervisorImporter.kind: SupervisorImporter}
