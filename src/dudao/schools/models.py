"""Schools and kindergartens (学校) and their yearly base data (学校年度基础数据).

Yearly data is kept per school, year and stage section (学段), so a nine-year school has a primary
and a junior row: balance monitoring (domain-rules §4.3) counts each stage section as a school.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

if TYPE_CHECKING:
    from dudao.people.models import User


class SchoolKind(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("幼儿园")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初级中学")
    NINE_YEAR = "nine_year", _("九年一贯制学校")
    TWELVE_YEAR = "twelve_year", _("十二年一贯制学校")
    COMPLETE_SECONDARY = "complete_secondary", _("完全中学")
    SENIOR = "senior", _("高级中学")
    SPECIAL_EDUCATION = "special_education", _("特殊教育学校")
    VOCATIONAL = "vocational", _("中等职业学校")
    TEACHING_POINT = "teaching_point", _("教学点")


class Stage(models.TextChoices):
    PRESCHOOL = "preschool", _("学前")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    SPECIAL = "special", _("特教")
    VOCATIONAL = "vocational", _("中职")


# Which stage sections a school of each kind has (domain-rules §4.3: multi-stage schools are
# split into stage sections).
STAGES_OF_KIND: dict[str, tuple[str, ...]] = {
    SchoolKind.KINDERGARTEN: (Stage.PRESCHOOL,),
    SchoolKind.PRIMARY: (Stage.PRIMARY,),
    SchoolKind.JUNIOR: (Stage.JUNIOR,),
    SchoolKind.NINE_YEAR: (Stage.PRIMARY, Stage.JUNIOR),
    SchoolKind.TWELVE_YEAR: (Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR),
    SchoolKind.COMPLETE_SECONDARY: (Stage.JUNIOR, Stage.SENIOR),
    SchoolKind.SENIOR: (Stage.SENIOR,),
    SchoolKind.SPECIAL_EDUCATION: (Stage.SPECIAL,),
    SchoolKind.VOCATIONAL: (Stage.VOCATIONAL,),
    SchoolKind.TEACHING_POINT: (Stage.PRIMARY,),
}


class Ownership(models.TextChoices):
    PUBLIC = "public", _("公办")
    PRIVATE = "private", _("民办")


class Locality(models.TextChoices):
    URBAN = "urban", _("城区")
    TOWN = "town", _("镇区")
    RURAL = "rural", _("乡村")


class SchoolQuerySet(models.QuerySet):
    def visible_to(self, user: User, *, write: bool = False) -> SchoolQuerySet:
        """The one scope filter for schools (see access/scope.py)."""
        from dudao.access import school_q

        return self.filter(school_q(user, write=write))

    def under(self, region_code: str) -> SchoolQuerySet:
        return self.filter(region_code__startswith=region_code)

    def search(self, text: str) -> SchoolQuerySet:
        """Name, 学校标识码, or pinyin initials ("nxsyz" finds 宁乡市一中)."""
        text = text.strip()
        if not text:
            return self
        q = models.Q(name__icontains=text) | models.Q(code__startswith=text)
        if text.isascii() and text.isalpha():
            q |= models.Q(name_initials__contains=text.lower())
        return self.filter(q)


code_validator = RegexValidator(r"^\d{10}$", _("学校标识码必须是10位数字。"))


class School(BaseModel):
    code = models.CharField(_("学校标识码"), max_length=10, unique=True, validators=[code_validator])
    name = models.CharField(_("学校名称"), max_length=100)
    name_initials = models.CharField(_("拼音首字母"), max_length=100, blank=True, db_index=True, editable=False)
    kind = models.CharField(_("办学类型"), max_length=20, choices=SchoolKind.choices, db_index=True)
    ownership = models.CharField(_("举办者"), max_length=10, choices=Ownership.choices, default=Ownership.PUBLIC)
    locality = models.CharField(_("城乡类型"), max_length=10, choices=Locality.choices, default=Locality.URBAN)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="schools", verbose_name=_("所在区划")
    )
    # Denormalised region code: the materialised path that the scope filter runs on.
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    head_name = models.CharField(_("校长（园长）"), max_length=32, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    is_boarding = models.BooleanField(_("寄宿制"), default=False)
    is_county_run = models.BooleanField(_("县属学校"), default=True, help_text=_("基本均衡评估范围"))
    is_city_direct = models.BooleanField(_("市直学校"), default=False)
    is_active = models.BooleanField(_("在办"), default=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "code"]
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        indexes = [models.Index(fields=["region_code", "kind"], name="school_region_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def stages(self) -> tuple[str, ...]:
        return STAGES_OF_KIND.get(self.kind, ())

    def save(self, *args, **kwargs) -> None:
        from dudao.schools.pinyin import initials

        self.region_code = self.region.code
        self.name_initials = initials(self.name)
        super().save(*args, **kwargs)


class SchoolYearData(BaseModel):
    """Base data of one stage section of a school for one school year (fields: domain-rules §9.1)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="year_data")
    year = models.PositiveSmallIntegerField(
        _("学年"), validators=[MinValueValidator(2000), MaxValueValidator(2100)], help_text=_("如 2025 表示 2025—2026 学年")
    )
    stage = models.CharField(_("学段"), max_length=12, choices=Stage.choices)

    # students and classes
    students = models.PositiveIntegerField(_("在校生数"), default=0)
    classes = models.PositiveIntegerField(_("班级数"), default=0)
    classes_upto_45 = models.PositiveIntegerField(_("45人及以下班级数"), default=0)
    classes_46_55 = models.PositiveIntegerField(_("46-55人班级数"), default=0)
    classes_56_65 = models.PositiveIntegerField(_("56-65人班级数（大班额）"), default=0)
    classes_66_plus = models.PositiveIntegerField(_("66人及以上班级数（超大班额）"), default=0)
    # full-time teachers (专任教师)
    teachers = models.PositiveIntegerField(_("专任教师数"), default=0)
    teachers_postgraduate = models.PositiveIntegerField(_("研究生学历教师"), default=0)
    teachers_bachelor = models.PositiveIntegerField(_("本科学历教师"), default=0)
    teachers_associate = models.PositiveIntegerField(_("专科学历教师"), default=0)
    teachers_below_associate = models.PositiveIntegerField(_("专科以下学历教师"), default=0)
    teachers_senior_title = models.PositiveIntegerField(_("高级职称教师"), default=0)
    teachers_mid_title = models.PositiveIntegerField(_("中级职称教师"), default=0)
    teachers_junior_title = models.PositiveIntegerField(_("初级及以下职称教师"), default=0)
    teachers_age_under_30 = models.PositiveIntegerField(_("30岁以下教师"), default=0)
    teachers_age_30_39 = models.PositiveIntegerField(_("30-39岁教师"), default=0)
    teachers_age_40_49 = models.PositiveIntegerField(_("40-49岁教师"), default=0)
    teachers_age_50_plus = models.PositiveIntegerField(_("50岁及以上教师"), default=0)
    key_teachers = models.PositiveIntegerField(_("县级及以上骨干教师"), default=0)
    pe_teachers = models.PositiveIntegerField(_("体育专任教师"), default=0)
    music_teachers = models.PositiveIntegerField(_("音乐专任教师"), default=0)
    art_teachers = models.PositiveIntegerField(_("美术专任教师"), default=0)
    certified_teachers = models.PositiveIntegerField(_("持教师资格证教师"), default=0)
    teachers_trained_360h = models.PositiveIntegerField(_("五年360学时培训达标教师"), default=0)
    # buildings, grounds and equipment
    teaching_aux_area = models.DecimalField(_("教学及辅助用房面积(㎡)"), max_digits=12, decimal_places=2, default=0)
    indoor_sports_area = models.DecimalField(_("室内体育用房面积(㎡)"), max_digits=12, decimal_places=2, default=0)
    sports_ground_area = models.DecimalField(_("体育运动场馆面积(㎡)"), max_digits=12, decimal_places=2, default=0)
    equipment_value = models.DecimalField(_("教学仪器设备值(万元)"), max_digits=12, decimal_places=2, default=0)
    multimedia_rooms = models.PositiveIntegerField(_("网络多媒体教室(间)"), default=0)
    music_rooms = models.PositiveIntegerField(_("音乐专用教室(间)"), default=0)
    music_room_area = models.DecimalField(_("音乐专用教室面积(㎡)"), max_digits=10, decimal_places=2, default=0)
    art_rooms = models.PositiveIntegerField(_("美术专用教室(间)"), default=0)
    art_room_area = models.DecimalField(_("美术专用教室面积(㎡)"), max_digits=10, decimal_places=2, default=0)
    books = models.PositiveIntegerField(_("图书(册)"), default=0)
    computers = models.PositiveIntegerField(_("计算机(台)"), default=0)
    public_funding = models.DecimalField(_("生均公用经费(元)"), max_digits=10, decimal_places=2, default=0)

    class Meta:
        ordering = ["school_id", "-year", "stage"]
        verbose_name = _("学校年度基础数据")
        verbose_name_plural = _("学校年度基础数据")
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "stage"], name="school_year_stage_unique"),
        ]
        indexes = [models.Index(fields=["year", "stage"], name="yeardata_year_stage")]

    def __str__(self) -> str:
        return f"{self.school} {self.year} {self.get_stage_display()}"

    @property
    def large_classes(self) -> int:
        """大班额: classes of 56 or more (domain-rules §5)."""
        return self.classes_56_65 + self.classes_66_plus

    @property
    def average_class_size(self) -> float | None:
        return round(self.students / self.classes, 1) if self.classes else None


# Numeric fields of SchoolYearData in display order: the import template, the detail page and
# exports all read this one list.
YEAR_DATA_FIELDS: list[str] = [
    f.name
    for f in SchoolYearData._meta.local_concrete_fields
    if f.name not in {"id", "school", "year", "stage", "created_at", "updated_at"}
]
