
from decimal import Decimal

from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from dudao.schools.models import YEAR_DATA_FIELDS
from dudao.schools.selectors import SchoolFilters, access_school, school_list, school_year_data

router = Router(tags=["学校 schools"])


class SchoolOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    ownership: str
    locality: str
    region_code: str
    region_name: str
    address: str
    longitude: Decimal | None
    latitude: Decimal | None
    head_name: str
    phone: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name


class SchoolFilterIn(Schema):
    q: str = ""
    kind: str = ""
    ownership: str = ""
    locality: str = ""
    region: str = ""
    stage: str = ""


class YearDataOut(Schema):
    year: int
    stage: str
    values: dict[str, float]


@router.get("/", response=list[SchoolOut], summary="学校列表（按权限范围）")
@paginate(PageNumberPagination, page_size=50)
def list_schools(request, filters: Query[SchoolFilterIn]):
    return school_list(user=request.user, filters=SchoolFilters.from_params(filters.dict()))


@router.get("/{school_id}", response=SchoolOut, summary="学校详情")
def get_school(request, school_id: int):
    return access_school(request.user, school_id)


@router.get("/{school_id}/years", response=list[YearDataOut], summary="学校年度基础数据")
def get_school_years(request, school_id: int):
    school = access_school(request.user, school_id)
    return [
        YearDataOut(year=r.year, stage=r.stage, values={f: float(getattr(r, f)) for f in YEAR_DATA_FIELDS})
        for r in school_year_data(school=school)
    ]
