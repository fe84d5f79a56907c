"""The signed-in user's workbench (工作台): the same counts and links as the home page."""

from ninja import Router, Schema

from dudao.home.workbench import workbench

router = Router(tags=["工作台 workbench"])


class TileOut(Schema):
    key: str
    label: str
    count: int
    url: str  # the page that lists exactly these rows


class FigureOut(Schema):
    key: str
    label: str
    value: str
    url: str
    note: str
    trend_labels: list[str]
    trend: list[float | None]


class WorkbenchOut(Schema):
    office: list[TileOut]
    leader: list[FigureOut]
    school: list[TileOut]
    evaluator: list[TileOut]
    lands_on_field: bool  # a supervisor's home is 我的督导 (/visits/field/)


@router.get("/", response=WorkbenchOut, summary="我的工作台：待办计数（每项链接到恰好这些记录）与主要指标")
def get_workbench(request):
    from dudao.home.workbench import lands_on_field

    bench = workbench(user=request.user)
    return {
        "office": [t.__dict__ for t in bench.office], "school": [t.__dict__ for t in bench.school],
        "evaluator": [t.__dict__ for t in bench.evaluator], "lands_on_field": lands_on_field(request.user),
        "leader": [{**f.__dict__, "trend_labels": list(f.trend_labels), "trend": list(f.trend)} for f in bench.leader],
    }
