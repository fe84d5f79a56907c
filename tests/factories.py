"""factory_boy factories for bulk data; behaviour-made state is built through services."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from dudao.regions.models import Region
from dudao.schools.models import School, SchoolYearData


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"31439{n:05d}")
    name = factory.Sequence(lambda n: f"测试学校{n}")
    kind = "primary"
    region = factory.LazyFunction(lambda: Region.objects.get(code="430182"))


class YearDataFactory(DjangoModelFactory):
    class Meta:
        model = SchoolYearData
        django_get_or_create = ("school", "year", "stage")

    school = factory.SubFactory(SchoolFactory)
    year = 2025
    stage = "primary"
    students = 600
    classes = 12
    classes_upto_45 = 8
    classes_46_55 = 3
    classes_56_65 = 1
    teachers = 40
    teachers_bachelor = 30
    teachers_associate = 10
    key_teachers = 3
    pe_teachers = 2
    music_teachers = 1
    art_teachers = 1
    teaching_aux_area = 3000
    sports_ground_area = 5000
    equipment_value = 150
    multimedia_rooms = 12
    books = 18000
