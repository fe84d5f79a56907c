
from ninja import Router, Schema

from dudao.regions.models import Region
from dudao.regions.selectors import access_region, region_children, region_roots, school_counts_by_region

router = Router(tags=["行政区划 regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    school_count: int | None = None


def _out(region: Region, count: int | None = None) -> RegionOut:
    return RegionOut(code=region.code, name=region.name, level=region.level, kind=region.kind,
                     parent_code=region.code[: {2: 0, 4: 2, 6: 4, 9: 6, 12: 9}[len(region.code)]] or None, school_count=count)


@router.get("/", response=list[RegionOut], summary="可见的顶层区划")
def list_roots(request):
    roots = region_roots(user=request.user)
    counts = school_counts_by_region(user=request.user, regions=roots)
    return [_out(r, counts[r.code]) for r in roots]


@router.get("/{code}", response=RegionOut, summary="区划详情")
def get_region(request, code: str):
    region = access_region(request.user, code)
    return _out(region, school_counts_by_region(user=request.user, regions=[region])[region.code])


@router.get("/{code}/children", response=list[RegionOut], summary="下级区划")
def get_children(request, code: str):
    region = access_region(request.user, code)
    kids = list(region_children(user=request.user, region=region))
    counts = school_counts_by_region(user=request.user, regions=kids)
    return [_out(r, counts[r.code]) for r in kids]
