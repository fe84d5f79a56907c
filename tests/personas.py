"""The fixed cast every scope test uses (style.md §5, after healthchecks' Alice/Bob/Charlie).

Schools: A1, A2, A3 in 宁乡市 (430182); B1, B2 in 望城区 (430112); C1 in 浏阳市 (430181);
D1 in 北京市东城区 (110101), outside Hunan altogether.

- admin            system admin: sees everything, may change everything.
- province_staff   湖南省 office: sees all Hunan schools (A*, B*, C1), not D1.
- city_staff       长沙市 office: sees A*, B*, C1, not D1.
- county_staff     宁乡市 office: sees A1–A3 only; may import and edit them.
- county_leader    宁乡市 leader: sees A1–A3, read-only (403 on every write).
- supervisor       宁乡市 responsible supervisor of A1 and A2: not A3, nothing outside.
- school_user      the A1 school account: A1 only.
- evaluator        third-party evaluator of B1 and B2.
- outsider         浏阳市 supervisor of C1: the out-of-scope county supervisor, sees nothing of 宁乡.
- multi            望城区 office staff and supervisor of A3: B1, B2 and A3 — the union, never
                   望城's office rights applied to A3 or A3's rights to 望城.
- nobody           an account with no role: sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from dudao.people.models import Role, User
from dudao.people.services import role_grant_add
from dudao.regions.models import Region
from dudao.regions.services import office_ensure
from dudao.schools.models import School
from tests.factories import SchoolFactory, YearDataFactory

PASSWORD = "Test-pass-2026"


@dataclass
class Cast:
    admin: User
    province_staff: User
    city_staff: User
    county_staff: User
    county_leader: User
    supervisor: User
    school_user: User
    evaluator: User
    outsider: User
    multi: User
    nobody: User
    A1: School
    A2: School
    A3: School
    B1: School
    B2: School
    C1: School
    D1: School

    @property
    def all_schools(self) -> list[School]:
        return [self.A1, self.A2, self.A3, self.B1, self.B2, self.C1, self.D1]

    def personas(self) -> dict[str, User]:
        return {name: getattr(self, name) for name in PERSONAS}

    def visible(self, persona: str) -> set[str]:
        """Names of the schools the persona must see (the expected scope)."""
        return set(EXPECTED[persona])


PERSONAS = ["admin", "province_staff", "city_staff", "county_staff", "county_leader", "supervisor",
            "school_user", "evaluator", "outsider", "multi", "nobody"]
EXPECTED = {
    "admin": ["A1", "A2", "A3", "B1", "B2", "C1", "D1"],
    "province_staff": ["A1", "A2", "A3", "B1", "B2", "C1"],
    "city_staff": ["A1", "A2", "A3", "B1", "B2", "C1"],
    "county_staff": ["A1", "A2", "A3"],
    "county_leader": ["A1", "A2", "A3"],
    "supervisor": ["A1", "A2"],
    "school_user": ["A1"],
    "evaluator": ["B1", "B2"],
    "outsider": ["C1"],
    "multi": ["A3", "B1", "B2"],
    "nobody": [],
}
WRITERS = {"admin": "all", "province_staff": "scope", "city_staff": "scope", "county_staff": "scope", "multi": ["B1", "B2"]}


def _user(username: str, full_name: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=full_name)
    return user


def build_cast() -> Cast:
    region = {code: Region.objects.get(code=code) for code in ("43", "4301", "430182", "430112", "430181", "110101")}
    township = Region.objects.filter(code__startswith="430182", level="township").order_by("code").first()
    schools = {
        "A1": SchoolFactory(name="测试宁乡一小", region=township, code="3143090001"),
        "A2": SchoolFactory(name="测试宁乡二中", region=region["430182"], kind="junior", code="3143090002"),
        "A3": SchoolFactory(name="测试宁乡三幼", region=region["430182"], kind="kindergarten", code="3143090003"),
        "B1": SchoolFactory(name="测试望城一小", region=region["430112"], code="3143090011"),
        "B2": SchoolFactory(name="测试望城九年制", region=region["430112"], kind="nine_year", code="3143090012"),
        "C1": SchoolFactory(name="测试浏阳一小", region=region["430181"], code="3143090021"),
        "D1": SchoolFactory(name="测试北京东城小学", region=region["110101"], code="1111090031"),
    }
    for school in schools.values():
        for stage in school.stages:
            YearDataFactory(school=school, year=2025, stage=stage)
    offices = {code: office_ensure(region=region[code]) for code in ("43", "4301", "430182", "430112", "430181")}

    def grant(user: User, role: str, office: str | None = None, on: tuple[str, ...] = ()) -> User:
        role_grant_add(user=user, role=role, office=offices[office] if office else None, schools=[schools[s] for s in on])
        return user

    cast = Cast(
        admin=grant(_user("t_admin", "管理员"), Role.SYSTEM_ADMIN),
        province_staff=grant(_user("t_province", "省督导室"), Role.OFFICE_STAFF, "43"),
        city_staff=grant(_user("t_city", "市督导室"), Role.OFFICE_STAFF, "4301"),
        county_staff=grant(_user("t_county", "宁乡督导室"), Role.OFFICE_STAFF, "430182"),
        county_leader=grant(_user("t_leader", "宁乡领导"), Role.OFFICE_LEADER, "430182"),
        supervisor=grant(_user("t_supervisor", "宁乡督学"), Role.SUPERVISOR, on=("A1", "A2")),
        school_user=grant(_user("t_school", "一小用户"), Role.SCHOOL_USER, on=("A1",)),
        evaluator=grant(_user("t_evaluator", "评估机构"), Role.EVALUATOR, on=("B1", "B2")),
        outsider=grant(_user("t_outsider", "浏阳督学"), Role.SUPERVISOR, on=("C1",)),
        multi=grant(grant(_user("t_multi", "望城兼督学"), Role.OFFICE_STAFF, "430112"), Role.SUPERVISOR, on=("A3",)),
        nobody=_user("t_nobody", "无角色"),
        **schools,
    )
    return cast
