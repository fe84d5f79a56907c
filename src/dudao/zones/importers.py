"""Excel/CSV import of zones (督学责任区) and of who and what is in them, run by dudao.imports.

Three kinds, each with the columns of its export (`zones.exports`), so an exported file imports
back unchanged:

- ``zones``            责任区: one row per zone; matched by office and name, created or updated.
- ``zone_schools``     学校→责任区: puts each school in the named zone of its level (a school in
                       another zone of that level moves: one zone per level).
- ``zone_supervisors`` 督学→责任区: makes each supervisor a member (or the head) of the zone.

Imports add and change, they never remove: a school or member not in the file stays where it is.
The engine writes all rows or none; each problem is reported by row and column in Chinese.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dudao.core import columns as c
from dudao.regions.models import Office, RegionLevel
from dudao.schools.models import School
from dudao.supervisors.importers import office_by_code
from dudao.supervisors.models import Supervisor, SupervisorStatus
from dudao.zones.coverage import zone_level_of
from dudao.zones.models import Zone, ZoneLevel, ZoneSchool

if TYPE_CHECKING:
    from dudao.people.models import User

RowProblem = tuple[str, str]
OFFICE_HELP = "责任区所属督导室所在区划的代码：市 4 位、县 6 位（见“督导室代码”工作表）；只管理一个督导室时可留空"


def office_code(raw) -> str:
    value = c._text(raw)
    if value and not (value.isdigit() and len(value) in (4, 6)):
        raise c.CellError(f"应为市（4位）或县（6位）的区划代码（现为“{value}”）")
    return value


def _optional_text(n: int):
    inner = c.text(n)

    def parse(raw) -> str:
        return "" if c.is_blank(raw) else inner(raw)

    return parse


ROLE_LABELS = {"head": "主任", "member": "成员"}


def _notes(matching: str) -> list[str]:
    return [
        "填写说明：",
        "1. 带 * 的列为必填；请不要修改、删除或调换表头。可先在“责任区与挂牌”页面导出，修改后再导入。",
        f"2. {matching}",
        "3. 导入只新增或修改，不删除：文件中没有的学校、成员保持不变。",
        "4. 导入是“全部成功或全部不写入”：只要有一处错误，系统会列出所有错误的行号和列名，且不写入任何数据。",
        "5. 支持 .xlsx、.xls、.csv（UTF-8 或 GBK 编码）；单个文件不超过 20 MB；请勿使用公式。",
        "",
        "各列说明：",
    ]


class _ZoneImporterBase:
    sheet_name = ""
    codes_sheet = "督导室代码"
    text_columns = ("所属督导室", "学校标识码", "手机号", "督学证编号")

    def __init__(self, user: User):
        self.user = user
        self.offices: dict[str, Office] = {}

    @staticmethod
    def _managed(user: User) -> list[Office]:
        from dudao.supervisors.selectors import managed_offices

        return [o for o in managed_offices(user) if o.level in {RegionLevel.CITY, RegionLevel.COUNTY}]

    @classmethod
    def template_codes(cls, user: User) -> list[tuple[str, str]]:
        return [(o.region.code, o.name) for o in cls._managed(user)]

    def prepare(self) -> None:
        self.offices = {o.region.code: o for o in self._managed(self.user)}

    def _office(self, code: str, problems: list[RowProblem]) -> Office | None:
        return office_by_code(code, self.offices, problems, none_managed="您没有可管理责任区的督导室",
                              unknown="没有对应的市级或县级督导室")


class ZoneImporter(_ZoneImporterBase):
    kind = "zones"
    sheet_name = "责任区"
    columns: list[c.Column] = [
        c.Column("office_code", "所属督导室", office_code, example="430182", help=OFFICE_HELP),
        c.Column("name", "责任区名称", c.text(64), required=True, example="宁乡市第一责任区"),
        c.Column("office_address", "办公地点", c.text(200), example="宁乡市玉潭街道某路 1 号"),
        c.Column("note", "备注", c.text(200), example=""),
    ]
    notes = _notes("按所属督导室和责任区名称匹配：已有的责任区更新办公地点和备注，没有的新建。")

    def __init__(self, user: User):
        super().__init__(user)
        self.existing: dict[tuple[int, str], Zone] = {}
        self.seen: dict[tuple[int, str], int] = {}
        self.to_create: list[dict] = []
        self.to_update: list[tuple[Zone, dict]] = []

    def prepare(self) -> None:
        super().prepare()
        for zone in Zone.objects.filter(office__in=self.offices.values()):
            self.existing[(zone.office_id, zone.name)] = zone

    def check(self, row: dict, rownum: int) -> list[RowProblem]:
        problems: list[RowProblem] = []
        office = self._office(row.pop("office_code") or "", problems)
        if office is None:
            return problems
        key = (office.pk, row["name"])
        if key in self.seen:
            return [("责任区名称", f"与第 {self.seen[key]} 行重复")]
        self.seen[key] = rownum
        fields = {"office_address": row.get("office_address") or "", "note": row.get("note") or ""}
        zone = self.existing.get(key)
        if zone is None:
            self.to_create.append({"office": office, "name": row["name"], **fields})
        else:
            self.to_update.append((zone, fields))
        return problems

    def write(self) -> tuple[int, int]:
        from dudao.zones.services import zone_create

        for row in self.to_create:
            zone_create(**row)
        for zone, fields in self.to_update:
            for name, value in fields.items():
                setattr(zone, name, value)
            zone.save(update_fields=[*fields, "updated_at"])
        return len(self.to_create), len(self.to_update)


class _MembershipImporter(_ZoneImporterBase):
    """Shared: the zone named on the row, in the row's office."""

    def __init__(self, user: User):
        super().__init__(user)
        self.zones: dict[tuple[int, str], Zone] = {}

    def prepare(self) -> None:
        super().prepare()
        for zone in Zone.objects.filter(office__in=self.offices.values()).select_related("office__region"):
            self.zones[(zone.office_id, zone.name)] = zone

    def _zone(self, office: Office, name: str, problems: list[RowProblem]) -> Zone | None:
        zone = self.zones.get((office.pk, name))
        if zone is None:
            problems.append(("责任区名称", f"{office.name}没有名为“{name}”的责任区（请先建立或导入责任区）"))
        return zone


class ZoneSchoolImporter(_MembershipImporter):
    kind = "zone_schools"
    sheet_name = "责任区学校"
    columns: list[c.Column] = [
        c.Column("code", "学校标识码", c.digits(10), required=True, example="4301820001", help="10 位学校标识码"),
        c.Column("school_name", "学校名称", _optional_text(100), example="宁乡市某小学", help="仅供核对，导入时不使用"),
        c.Column("zone", "责任区名称", c.text(64), required=True, example="宁乡市第一责任区"),
        c.Column("office_code", "所属督导室", office_code, example="430182", help=OFFICE_HELP),
    ]
    notes = _notes("每所学校在同一级别只属于一个责任区：学校已在另一个同级责任区时，导入后转入文件中的责任区。")

    def __init__(self, user: User):
        super().__init__(user)
        self.schools: dict[str, School] = {}
        self.seen: dict[str, int] = {}
        self.current: dict[tuple[int, str], int] = {}
        self.moves: list[tuple[Zone, School]] = []
        self.unchanged = 0

    def prepare(self) -> None:
        super().prepare()
        for school in School.objects.visible_to(self.user, write=True).only("pk", "code", "name", "region_code", "kind", "is_city_direct"):
            self.schools[school.code] = school
        for school_id, level, zone_id in ZoneSchool.objects.values_list("school_id", "level", "zone_id"):
            self.current[(school_id, level)] = zone_id

    def check(self, row: dict, rownum: int) -> list[RowProblem]:
        problems: list[RowProblem] = []
        code = row["code"]
        school = self.schools.get(code)
        if school is None:
            known = School.objects.filter(code=code).exists()
            problems.append(("学校标识码", f"{code} 不在您的管辖范围内" if known else f"{code} 不在学校名录中"))
        elif code in self.seen:
            problems.append(("学校标识码", f"与第 {self.seen[code]} 行重复"))
        else:
            self.seen[code] = rownum
        office = self._office(row.pop("office_code") or "", problems)
        zone = self._zone(office, row["zone"], problems) if office else None
        if problems or school is None or zone is None:
            return problems
        if not school.region_code.startswith(zone.office.region.code):
            return [("学校标识码", f"{school.name} 不在{zone.office.region.name}范围内")]
        level = zone_level_of(school)
        if level != zone.level:
            return [("责任区名称", f"{school.name} 应归入{ZoneLevel(level).label}，“{zone.name}”是{zone.get_level_display()}")]
        if self.current.get((school.pk, level)) == zone.pk:
            self.unchanged += 1
        else:
            self.moves.append((zone, school))
        return problems

    def write(self) -> tuple[int, int]:
        from dudao.zones.services import zone_add_schools

        for zone, school in self.moves:
            _, problems = zone_add_schools(zone=zone, schools=[school], move=True)
            if problems:  # checked above; a concurrent change aborts the whole import
                raise RuntimeError("; ".join(problems))
        return len(self.moves), 0


class ZoneSupervisorImporter(_MembershipImporter):
    kind = "zone_supervisors"
    sheet_name = "责任区督学"
    columns: list[c.Column] = [
        c.Column("name", "姓名", c.text(32), required=True, example="李命均"),
        c.Column("phone", "手机号", _optional_text(20), example="13812345678", help="同名督学时用于区分"),
        c.Column("certificate_no", "督学证编号", _optional_text(40), example="", help="填写后按督学证编号匹配督学"),
        c.Column("zone", "责任区名称", c.text(64), required=True, example="宁乡市第一责任区"),
        c.Column("role", "职务", c.choice(ROLE_LABELS), example="成员", help="主任、成员；空白为成员"),
        c.Column("office_code", "所属督导室", office_code, example="430182", help=OFFICE_HELP),
    ]
    notes = _notes("督学按督学证编号匹配；没有督学证编号时按所属督导室的姓名（同名时加手机号）匹配。每个责任区只有一位主任。")

    def __init__(self, user: User):
        super().__init__(user)
        self.by_certificate: dict[str, Supervisor] = {}
        self.by_name: dict[tuple[int, str], list[Supervisor]] = {}
        self.seen: dict[tuple[int, int], int] = {}
        self.heads: dict[int, int] = {}
        self.plan: list[tuple[Zone, Supervisor, str]] = []

    def prepare(self) -> None:
        super().prepare()
        for s in Supervisor.objects.filter(office__in=self.offices.values()):
            if s.certificate_no:
                self.by_certificate[s.certificate_no] = s
            self.by_name.setdefault((s.office_id, s.name), []).append(s)

    def _supervisor(self, office: Office, row: dict, problems: list[RowProblem]) -> Supervisor | None:
        certificate = row.get("certificate_no") or ""
        if certificate:
            found = self.by_certificate.get(certificate)
            if found is None or found.office_id != office.pk:
                problems.append(("督学证编号", f"{office.name}没有督学证编号为 {certificate} 的督学"))
            return found if found and found.office_id == office.pk else None
        candidates = self.by_name.get((office.pk, row["name"]), [])
        if row.get("phone"):
            candidates = [s for s in candidates if s.phone == row["phone"]]
        if not candidates:
            problems.append(("姓名", f"{office.name}的督学名册中没有“{row['name']}”" + ("（手机号不符）" if row.get("phone") else "")))
            return None
        if len(candidates) > 1:
            problems.append(("姓名", f"{office.name}有 {len(candidates)} 位名为“{row['name']}”的督学，请填写手机号或督学证编号"))
            return None
        return candidates[0]

    def check(self, row: dict, rownum: int) -> list[RowProblem]:
        problems: list[RowProblem] = []
        office = self._office(row.pop("office_code") or "", problems)
        if office is None:
            return problems
        zone = self._zone(office, row["zone"], problems)
        supervisor = self._supervisor(office, row, problems)
        if problems or zone is None or supervisor is None:
            return problems
        if supervisor.status != SupervisorStatus.ACTIVE:
            return [("姓名", f"{supervisor.name} 当前{supervisor.get_status_display()}，不能编入责任区")]
        key = (zone.pk, supervisor.pk)
        if key in self.seen:
            return [("姓名", f"与第 {self.seen[key]} 行重复")]
        self.seen[key] = rownum
        role = row.get("role") or "member"
        if role == "head":
            if zone.pk in self.heads:
                return [("职务", f"“{zone.name}”的主任已在第 {self.heads[zone.pk]} 行填写，每个责任区只有一位主任")]
            self.heads[zone.pk] = rownum
        self.plan.append((zone, supervisor, role))
        return problems

    def write(self) -> tuple[int, int]:
        added = changed = 0
        for zone, supervisor, role in self.plan:
            if role == "head":
                if zone.head_id != supervisor.pk:
                    zone.head = supervisor
                    zone.save(update_fields=["head", "updated_at"])
                    changed += 1
            elif not zone.members.filter(pk=supervisor.pk).exists():
                zone.members.add(supervisor)
                added += 1
            if supervisor.user_id:
                from dudao.access import clear_scope_cache

                clear_scope_cache(supervisor.user)
        return added, changed


IMPORTERS = {cls.kind: cls for cls in (ZoneImporter, ZoneSchoolImporter, ZoneSupervisorImporter)}
