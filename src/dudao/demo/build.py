"""The 长沙市 demo: offices, ~650 schools of every kind with three years of base data, accounts.

Deterministic (fixed seed) so that screenshots, docs and tests describe the same city. The numbers
are invented but follow realistic shapes: crowded urban primaries with large classes (大班额),
small under-resourced village schools and teaching points, few PE/art teachers in the countryside.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dudao.people.models import Role, RoleGrant, User
from dudao.regions.models import Region
from dudao.regions.services import office_ensure
from dudao.schools.models import (
    STAGES_OF_KIND,
    YEAR_DATA_FIELDS,
    Locality,
    Ownership,
    School,
    SchoolKind,
    SchoolYearData,
)
from dudao.schools.pinyin import initials

CITY = "4301"
DEMO_YEARS = (2023, 2024, 2025)
DEMO_PASSWORD = "Dudao@2026"

# County centres (longitude, latitude) and whether the county is mostly urban.
COUNTIES: dict[str, tuple[float, float, bool]] = {
    "430102": (113.03, 28.19, True),   # 芙蓉区
    "430103": (112.99, 28.11, True),   # 天心区
    "430104": (112.93, 28.23, True),   # 岳麓区
    "430105": (112.99, 28.26, True),   # 开福区
    "430111": (113.03, 28.13, True),   # 雨花区
    "430112": (112.82, 28.35, False),  # 望城区
    "430121": (113.08, 28.25, False),  # 长沙县
    "430181": (113.64, 28.16, False),  # 浏阳市
    "430182": (112.55, 28.28, False),  # 宁乡市
}

VILLAGE_WORDS = (
    "桃林 石塘 新塘 黄花 花桥 双江 金洲 青山 白石 龙泉 大塘 枫林 杨柳 竹山 荷塘 长冲 沙田 回龙 坪山 柏树 "
    "东山 南岭 西冲 北港 金桥 银山 高坪 兴隆 永丰 福田 丰收 和平 太平 同心 团结 友谊 光明 新民 联合 红星 "
    "梅花 樟树 麻林 松柏 朱良 道林 双凫 横市 偕乐 田坪 三仙 大屯 沩滨 金坑 石门 官山 狮冲 黄泥 栗山 铁冲"
).split()

CITY_DIRECT = [
    ("长沙市第一中学", SchoolKind.COMPLETE_SECONDARY, "430105"),
    ("长郡中学", SchoolKind.COMPLETE_SECONDARY, "430103"),
    ("雅礼中学", SchoolKind.COMPLETE_SECONDARY, "430102"),
    ("长沙市明德中学", SchoolKind.COMPLETE_SECONDARY, "430102"),
    ("长沙市周南中学", SchoolKind.COMPLETE_SECONDARY, "430105"),
    ("长沙市第十一中学", SchoolKind.SENIOR, "430103"),
    ("长沙市实验中学", SchoolKind.SENIOR, "430111"),
    ("长沙市特殊教育学校", SchoolKind.SPECIAL_EDUCATION, "430111"),
    ("长沙市第一中等职业学校", SchoolKind.VOCATIONAL, "430104"),
    ("长沙航空职业技术学校", SchoolKind.VOCATIONAL, "430121"),
]


@dataclass
class DemoAccount:
    username: str
    full_name: str
    role: str
    scope: str


def short(name: str) -> str:
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


class DemoBuilder:
    def __init__(self, seed: int = 4301):
        self.rng = random.Random(seed)
        self.schools: list[School] = []
        self.codes: set[str] = set()
        self.names: set[str] = set()
        self.seq: dict[str, int] = {}

    # --- schools ---------------------------------------------------------------------------
    def code_for(self, county: str) -> str:
        index = list(COUNTIES).index(county) + 1
        self.seq[county] = self.seq.get(county, 0) + 1
        return f"31430{index}{self.seq[county]:04d}"

    def add(self, name: str, kind: str, region: Region, county: str, *, ownership: str = Ownership.PUBLIC,
            locality: str = Locality.URBAN, city_direct: bool = False, boarding: bool = False) -> None:
        if name in self.names:
            return
        self.names.add(name)
        lng, lat, _urban = COUNTIES[county]
        spread = 0.03 if locality == Locality.URBAN else 0.18
        school = School(
            code=self.code_for(county), name=name, kind=kind, ownership=ownership, locality=locality,
            region=region, region_code=region.code, name_initials=initials(name),
            address=f"{region.name}{self.rng.choice(VILLAGE_WORDS)}路{self.rng.randint(1, 399)}号",
            longitude=Decimal(f"{lng + self.rng.uniform(-spread, spread):.6f}"),
            latitude=Decimal(f"{lat + self.rng.uniform(-spread, spread):.6f}"),
            head_name=self.person_name(), phone=f"0731-8{self.rng.randint(1000000, 9999999)}",
            is_boarding=boarding, is_city_direct=city_direct, is_county_run=not city_direct and ownership == Ownership.PUBLIC,
        )
        self.schools.append(school)

    def person_name(self) -> str:
        surnames = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
        given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美建国红梅志刚玉兰海燕德胜春花晓东文斌"
        return self.rng.choice(surnames) + "".join(self.rng.choice(given) for _ in range(self.rng.choice((1, 2))))

    def build_schools(self) -> None:
        regions = {r.code: r for r in Region.objects.filter(code__startswith=CITY)}
        for county, (_lng, _lat, urban) in COUNTIES.items():
            cregion = regions[county]
            cname = cregion.name
            towns = sorted((r for r in regions.values() if r.parent_id == cregion.pk and r.level == "township"), key=lambda r: r.code)
            towns = [t for t in towns if "管理委员会" not in t.name and "园" not in t.name[-1:]]
            # County-level schools (县直): seniors, experimental schools, vocational, special, private.
            seat = towns[0] if towns else cregion
            if not urban:
                for i, label in enumerate(("第一中学", "第二中学", "第三中学", "第四中学")):
                    self.add(f"{cname}{label}", SchoolKind.SENIOR if i < 2 else SchoolKind.COMPLETE_SECONDARY, seat, county, boarding=True)
                self.add(f"{cname}职业中专学校", SchoolKind.VOCATIONAL, seat, county)
                self.add(f"{cname}特殊教育学校", SchoolKind.SPECIAL_EDUCATION, seat, county)
                self.add(f"{cname}实验小学", SchoolKind.PRIMARY, seat, county)
                self.add(f"{cname}实验中学", SchoolKind.JUNIOR, seat, county)
                self.add(f"{cname}城北小学", SchoolKind.PRIMARY, seat, county)
                self.add(f"{cname}机关幼儿园", SchoolKind.KINDERGARTEN, seat, county)
                for label in ("博雅学校", "外国语学校"):
                    self.add(f"{cname}{label}", SchoolKind.NINE_YEAR, seat, county, ownership=Ownership.PRIVATE, boarding=True)
                self.add(f"{cname}英才学校", SchoolKind.TWELVE_YEAR, seat, county, ownership=Ownership.PRIVATE, boarding=True)
            else:
                self.add(f"{cname}第一中学" if cname != "芙蓉区" else "长沙市芙蓉区燕山中学", SchoolKind.JUNIOR, seat, county)
                self.add(f"{cname}实验小学", SchoolKind.PRIMARY, seat, county)
                self.add(f"{cname}特殊教育学校" if county in {"430104", "430112"} else f"{cname}实验幼儿园",
                         SchoolKind.SPECIAL_EDUCATION if county in {"430104", "430112"} else SchoolKind.KINDERGARTEN, seat, county)
            for t in towns:
                s = short(t.name)
                is_street = t.name.endswith("街道")
                if urban or is_street:
                    loc = Locality.URBAN if urban else Locality.TOWN
                    self.add(f"{cname}{s}小学", SchoolKind.PRIMARY, t, county, locality=loc)
                    if self.rng.random() < 0.35:
                        self.add(f"{cname}{s}第二小学", SchoolKind.PRIMARY, t, county, locality=loc)
                    if self.rng.random() < 0.5:
                        self.add(f"{cname}{s}中学", SchoolKind.JUNIOR, t, county, locality=loc)
                    elif self.rng.random() < 0.4:
                        self.add(f"{cname}{s}学校", SchoolKind.NINE_YEAR, t, county, locality=loc)
                    self.add(f"{cname}{s}幼儿园", SchoolKind.KINDERGARTEN, t, county, locality=loc)
                    if self.rng.random() < 0.25:
                        self.add(f"{cname}{s}{self.rng.choice(('贝贝', '童乐', '小天使', '金太阳', '启航'))}幼儿园",
                                 SchoolKind.KINDERGARTEN, t, county, ownership=Ownership.PRIVATE, locality=loc)
                else:
                    # A township: centre school, centre kindergarten, junior middle, village schools.
                    self.add(f"{cname}{s}镇中心小学" if t.name.endswith("镇") else f"{cname}{s}乡中心小学",
                             SchoolKind.PRIMARY, t, county, locality=Locality.TOWN)
                    self.add(f"{cname}{s}{'镇' if t.name.endswith('镇') else '乡'}中心幼儿园", SchoolKind.KINDERGARTEN, t, county, locality=Locality.TOWN)
                    if self.rng.random() < 0.8:
                        self.add(f"{cname}{s}中学", SchoolKind.JUNIOR, t, county, locality=Locality.TOWN, boarding=True)
                    else:
                        self.add(f"{cname}{s}学校", SchoolKind.NINE_YEAR, t, county, locality=Locality.TOWN, boarding=True)
                    villages = self.rng.sample(VILLAGE_WORDS, 4)
                    for v in villages[: self.rng.choice((1, 1, 2, 2, 3))]:
                        self.add(f"{cname}{s}镇{v}小学" if t.name.endswith("镇") else f"{cname}{s}乡{v}小学",
                                 SchoolKind.PRIMARY, t, county, locality=Locality.RURAL)
                    if self.rng.random() < 0.3:
                        self.add(f"{cname}{s}{villages[3]}教学点", SchoolKind.TEACHING_POINT, t, county, locality=Locality.RURAL)
                    if self.rng.random() < 0.12:
                        self.add(f"{cname}{s}{villages[2]}幼儿园", SchoolKind.KINDERGARTEN, t, county,
                                 ownership=Ownership.PRIVATE, locality=Locality.RURAL)
        for name, kind, county in CITY_DIRECT:
            street = sorted((r for r in regions.values() if r.parent_id == regions[county].pk), key=lambda r: r.code)[1]
            self.add(name, kind, street, county, city_direct=True, boarding=kind != SchoolKind.SPECIAL_EDUCATION)
        School.objects.bulk_create(self.schools, batch_size=500)

    # --- yearly data -----------------------------------------------------------------------
    def year_rows(self) -> list[SchoolYearData]:
        rows: list[SchoolYearData] = []
        now = timezone.now()
        schools = list(School.objects.filter(region_code__startswith=CITY))
        for school in schools:
            base = self.profile(school)
            for stage in STAGES_OF_KIND[school.kind]:
                for i, year in enumerate(DEMO_YEARS):
                    growth = 1 + (i - 2) * self.rng.uniform(-0.02, 0.05)
                    rows.append(self.stage_row(school, stage, year, base, growth, now))
        return rows

    def profile(self, school: School) -> dict:
        rng = self.rng
        urban = school.locality == Locality.URBAN
        rural = school.locality == Locality.RURAL
        if school.kind == SchoolKind.TEACHING_POINT:
            students = rng.randint(8, 45)
        elif rural:
            students = rng.randint(40, 320)
        elif urban:
            students = rng.randint(900, 3200)
        else:
            students = rng.randint(450, 1600)
        if school.kind in {SchoolKind.SENIOR, SchoolKind.COMPLETE_SECONDARY, SchoolKind.TWELVE_YEAR}:
            students = rng.randint(1800, 4200)
        if school.kind == SchoolKind.SPECIAL_EDUCATION:
            students = rng.randint(60, 260)
        if school.kind == SchoolKind.VOCATIONAL:
            students = rng.randint(900, 3500)
        if school.kind == SchoolKind.KINDERGARTEN:
            students = rng.randint(60, 420)
        class_size = rng.gauss(52 if urban else 44 if not rural else 28, 5)
        if school.kind == SchoolKind.KINDERGARTEN:
            class_size = rng.gauss(30, 3)
        if school.kind == SchoolKind.SPECIAL_EDUCATION:
            class_size = rng.gauss(10, 2)
        if school.kind == SchoolKind.TEACHING_POINT:
            class_size = max(4.0, students / 3)
        return {"students": students, "class_size": max(4.0, class_size), "urban": urban, "rural": rural,
                "under_resourced": rural and rng.random() < 0.5, "crowded": urban and rng.random() < 0.35}

    def stage_row(self, school: School, stage: str, year: int, p: dict, growth: float, now) -> SchoolYearData:
        rng = self.rng
        share = 1 / len(STAGES_OF_KIND[school.kind]) if len(STAGES_OF_KIND[school.kind]) > 1 else 1
        students = max(5, int(p["students"] * share * growth))
        size = p["class_size"] + (6 if p["crowded"] else 0)
        classes = max(1, round(students / size))
        bands = [0, 0, 0, 0]
        for _ in range(classes):
            n = rng.gauss(students / classes, 4)
            bands[0 if n <= 45 else 1 if n <= 55 else 2 if n <= 65 else 3] += 1
        ratio = 19 if p["urban"] else 14 if not p["rural"] else 11
        if stage in {"junior", "senior"}:
            ratio -= 5
        teachers = max(2, round(students / ratio * rng.uniform(0.85, 1.1)))
        pg = int(teachers * rng.uniform(0.02, 0.12 if p["urban"] else 0.03))
        ba = int(teachers * rng.uniform(0.55, 0.8 if p["urban"] else 0.6))
        assoc = int((teachers - pg - ba) * rng.uniform(0.6, 0.95))
        below = max(0, teachers - pg - ba - assoc)
        senior_t = int(teachers * rng.uniform(0.05, 0.25))
        mid_t = int(teachers * rng.uniform(0.3, 0.5))
        young = int(teachers * rng.uniform(0.1, 0.3 if not p["rural"] else 0.15))
        old = int(teachers * rng.uniform(0.15, 0.25 if not p["rural"] else 0.45))
        mid1 = int((teachers - young - old) * rng.uniform(0.4, 0.6))
        mid2 = max(0, teachers - young - old - mid1)
        pe = max(0, round(students / (300 if not p["under_resourced"] else 900) * rng.uniform(0.6, 1.3)))
        music = max(0, round(students / (450 if not p["under_resourced"] else 1500) * rng.uniform(0.6, 1.3)))
        art = max(0, round(students / (450 if not p["under_resourced"] else 1500) * rng.uniform(0.6, 1.3)))
        pe, music, art = (min(v, teachers) for v in (pe, music, art))
        area_ps = rng.uniform(3.2, 5.2) if p["crowded"] or p["urban"] else rng.uniform(4.5, 9.5)
        sports_ps = rng.uniform(3.0, 8.0) if p["urban"] else rng.uniform(7.0, 16.0)
        equip_ps = rng.uniform(1800, 4200) if not p["under_resourced"] else rng.uniform(700, 1900)
        values = {
            "students": students, "classes": classes,
            "classes_upto_45": bands[0], "classes_46_55": bands[1], "classes_56_65": bands[2], "classes_66_plus": bands[3],
            "teachers": teachers, "teachers_postgraduate": pg, "teachers_bachelor": ba, "teachers_associate": assoc,
            "teachers_below_associate": below, "teachers_senior_title": senior_t, "teachers_mid_title": mid_t,
            "teachers_junior_title": max(0, teachers - senior_t - mid_t), "teachers_age_under_30": young,
            "teachers_age_30_39": mid1, "teachers_age_40_49": mid2, "teachers_age_50_plus": old,
            "key_teachers": min(teachers, int(teachers * rng.uniform(0.02, 0.12 if p["urban"] else 0.05))),
            "pe_teachers": pe, "music_teachers": music, "art_teachers": art,
            "certified_teachers": teachers - (1 if p["rural"] and rng.random() < 0.2 else 0),
            "teachers_trained_360h": int(teachers * rng.uniform(0.85, 1.0)),
            "teaching_aux_area": Decimal(f"{students * area_ps:.2f}"),
            "indoor_sports_area": Decimal(f"{(0 if p['rural'] else students * rng.uniform(0.1, 0.4)):.2f}"),
            "sports_ground_area": Decimal(f"{students * sports_ps:.2f}"),
            "equipment_value": Decimal(f"{students * equip_ps / 10000:.2f}"),
            "multimedia_rooms": max(0, round(classes * (rng.uniform(0.8, 1.1) if not p["under_resourced"] else rng.uniform(0.2, 0.7)))),
            "music_rooms": 0 if p["under_resourced"] else max(1, classes // 12),
            "music_room_area": Decimal("0") if p["under_resourced"] else Decimal(f"{rng.uniform(80, 120):.2f}"),
            "art_rooms": 0 if p["under_resourced"] else max(1, classes // 12),
            "art_room_area": Decimal("0") if p["under_resourced"] else Decimal(f"{rng.uniform(75, 110):.2f}"),
            "books": int(students * rng.uniform(18, 42)),
            "computers": int(students * rng.uniform(0.05, 0.2)),
            "public_funding": Decimal(f"{rng.uniform(650, 900) if stage == 'primary' else rng.uniform(850, 1200):.2f}"),
        }
        assert set(values) == set(YEAR_DATA_FIELDS), set(YEAR_DATA_FIELDS) ^ set(values)
        return SchoolYearData(school=school, year=year, stage=stage, created_at=now, updated_at=now, **values)

    # --- offices and accounts --------------------------------------------------------------
    def build_accounts(self) -> list[DemoAccount]:
        province = Region.objects.get(code="43")
        city = Region.objects.get(code=CITY)
        province_office = office_ensure(region=province, complaint_phone="0731-84714500")
        city_office = office_ensure(region=city, complaint_phone="0731-88665110", head_name="刘建华")
        offices = {code: office_ensure(region=Region.objects.get(code=code), complaint_phone=f"0731-8{self.rng.randint(1000000, 9999999)}")
                   for code in COUNTIES}
        nx = offices["430182"]
        nx.head_name, nx.complaint_phone = "李命均", "0731-87822110"
        nx.save()
        wc_schools = list(School.objects.filter(region_code__startswith="430112").order_by("code"))
        plan = [
            ("admin", "系统管理员", Role.SYSTEM_ADMIN, None, [], "全部数据"),
            ("hn_office", "湖南省督导室·周敏", Role.OFFICE_STAFF, province_office, [], "湖南省"),
            ("cs_office", "长沙市督导室·刘建华", Role.OFFICE_STAFF, city_office, [], "长沙市及所辖区县"),
            ("nx_office", "宁乡市督导室·李命均", Role.OFFICE_STAFF, nx, [], "宁乡市"),
            ("nx_leader", "宁乡市教育局·戴晓成", Role.OFFICE_LEADER, nx, [], "宁乡市（只读）"),
            ("nx_supervisor", "宁乡市责任督学·谢彩飞", Role.SUPERVISOR, nx, [], "宁乡市挂牌学校及所在责任区（只读）"),
            ("ly_supervisor", "浏阳市责任督学·高阳", Role.SUPERVISOR, offices["430181"], [], "浏阳市 4 所挂牌学校（宁乡以外）"),
            ("cs_supervisor", "长沙市市级督学·欧阳明", Role.SUPERVISOR, city_office, [], "市级责任区：3 所市直学校"),
            ("hn_supervisor", "湖南省督学·贺文静", Role.SUPERVISOR, province_office, [], "省督导室指定随访的 3 所学校"),
            # the school is one of nx_supervisor's schools, chosen once the team exists (link_demo_school_account)
            ("nx_school", "学校用户", Role.SCHOOL_USER, None, [], ""),
            ("evaluator", "第三方评估机构·湘评教育咨询", Role.EVALUATOR, None, wc_schools[:3], "望城区 3 所学校"),
        ]
        accounts = []
        for username, full_name, role, office, schools, scope in plan:
            user, _ = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
            if username != "nx_school" or not user.full_name.startswith(full_name):  # keep the school's name
                user.full_name = full_name
            user.set_password(DEMO_PASSWORD)
            user.save()
            if not RoleGrant.objects.filter(user=user, role=role).exists():
                grant = RoleGrant.objects.create(user=user, role=role, office=office)
                grant.schools.set(schools)
            accounts.append(DemoAccount(username, full_name, str(Role(role).label), scope))
        return accounts


def demo_accounts_table(accounts: list[DemoAccount]) -> str:
    lines = [f"{'用户名':<14}{'密码':<12}{'角色':<16}范围", "-" * 72]
    lines += [f"{a.username:<16}{DEMO_PASSWORD:<14}{a.role:<14}{a.scope}" for a in accounts]
    return "\n".join(lines)


@transaction.atomic
def demo_build(seed: int = 4301) -> tuple[int, int, list[DemoAccount]]:
    """Create the demo city once; running it again only refreshes the accounts."""
    builder = DemoBuilder(seed)
    if not School.objects.filter(region_code__startswith=CITY).exists():
        builder.build_schools()
        SchoolYearData.objects.bulk_create(builder.year_rows(), batch_size=1000)
    accounts = builder.build_accounts()
    from dudao.demo.team import build_ningxiang_team, link_demo_school_account, link_demo_supervisor_accounts

    build_ningxiang_team()
    link_demo_supervisor_accounts()
    school = link_demo_school_account()
    for account in accounts:  # the printed row names the school the account now holds
        if account.username == "nx_school":
            account.full_name, account.scope = f"学校用户·{school.name}", f"{school.name}（谢彩飞的挂牌学校）"
    from dudao.demo.visits import build_ningxiang_visits
    from dudao.visits.quota import quota_rules_install_defaults

    quota_rules_install_defaults()
    build_ningxiang_visits()
    from dudao.demo.monitoring import build_demo_monitoring

    build_demo_monitoring()
    from dudao.demo.findings import build_ningxiang_findings

    build_ningxiang_findings()  # the visits' problems become findings; a ledger in every state
    from dudao.demo.complaints import build_ningxiang_complaints

    build_ningxiang_complaints()  # parents' complaints in every triage outcome (a few become findings)
    from dudao.frameworks.builtin import frameworks_install_builtin

    frameworks_install_builtin()  # the read-only built-in checklists and frameworks (issue [9] item 1)
    from dudao.demo.campaigns import build_ningxiang_campaigns, campaign_accounts

    build_ningxiang_campaigns()  # seed 002's two 专项督导 and a 综合督导评估 round (issue [9] item 8)
    accounts += [DemoAccount(*row) for row in campaign_accounts()]
    from dudao.demo.surveys import build_demo_surveys

    build_demo_surveys()  # the built-in questionnaires and 宁乡's 社会认可度 survey with responses (issue [10])
    from dudao.demo.evaluations import build_ningxiang_dossier, evaluation_accounts

    build_ningxiang_dossier(year=DEMO_YEARS[-1], password=DEMO_PASSWORD)  # 宁乡市's 优质均衡 dossier, applied, in review at the city (issue [10] item 2)
    accounts += [DemoAccount(*row) for row in evaluation_accounts(DEMO_YEARS[-1])]
    from dudao.demo.governance import build_ningxiang_governance, governance_accounts

    build_ningxiang_governance(password=DEMO_PASSWORD)  # 督政: a 教育强镇督导验收 on 宁乡 townships (issue [10] item 1)
    accounts += [DemoAccount(*row) for row in governance_accounts()]
    from dudao.demo.documents import build_ningxiang_documents

    build_ningxiang_documents()  # 公文: built-in templates; 宁乡's documents in every state, one issued and published (issue [11])
    from dudao.demo.library import build_demo_library

    build_demo_library()  # 政策法规 (national built-ins, 宁乡's handbook) and a 宁乡 通知公告 with receipts (issue [11] item 7)
    from dudao.demo.review import build_ningxiang_review

    build_ningxiang_review(accounts)  # 征求意见: a 督导意见书 draft of 宁乡 with the school's comments; an issued 通知 with receipts (issue [11] item 2)
    from dudao.demo.bulletins import build_ningxiang_bulletins

    build_ningxiang_bulletins()  # 通报 on 秋季开学 issued, read by some schools, published (issue [11] item 3)
    from dudao.demo.monthly import build_ningxiang_monthly

    build_ningxiang_monthly()  # 工作月报: last month's issued, this month's draft (issue [11] item 5)
    from dudao.demo.outcomes import build_ningxiang_outcomes

    build_ningxiang_outcomes()  # 结果运用: the office's 约谈 and 通报表扬 on 宁乡 schools (issue [11] item 6)
    from dudao.demo.kinds import build_ningxiang_campaign_documents

    build_ningxiang_campaign_documents()  # 督导通知书 issued, school reports drafted, issued and one published (issue [11])
    from dudao.demo.portal import build_ningxiang_portal

    build_ningxiang_portal()  # 结果公开: a 公示 of supervisor appointments open today; published documents (issue [11] item 4)
    for account in accounts:
        if account.username == "evaluator":
            account.scope = "望城区 3 所学校；综合督导评估第三方评估组的学校（实地督导期间）"
    return (
        School.objects.filter(region_code__startswith=CITY).count(),
        SchoolYearData.objects.filter(school__region_code__startswith=CITY).count(),
        accounts,
    )
