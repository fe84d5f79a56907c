"""ECharts option builders: views pass plain data, templates embed it with json_script."""

from __future__ import annotations

from collections.abc import Sequence


def pie_chart(title: str, items: Sequence[tuple[str, int]]) -> dict:
    return {
        "title": {"text": str(title), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
        "legend": {"bottom": 0, "type": "scroll"},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "62%"],
                "center": ["50%", "48%"],
                "data": [{"name": str(name), "value": value} for name, value in items],
                "label": {"formatter": "{b}\n{c}", "overflow": "none"},
                "minShowLabelAngle": 3,
            }
        ],
    }


def bar_chart(title: str, items: Sequence[tuple[str, int]], series_name: str = "") -> dict:
    return {
        "title": {"text": str(title), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "bottom": 70, "top": 40},
        "xAxis": {"type": "category", "data": [str(n) for n, _v in items], "axisLabel": {"rotate": 35, "interval": 0}},
        "yAxis": {"type": "value"},
        "series": [{"type": "bar", "name": str(series_name), "data": [v for _n, v in items], "barMaxWidth": 36}],
    }


def stacked_bar_chart(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *,
                      stacked: bool = True, colors: Sequence[str] = ()) -> dict:
    """Bars per category, one series per (name, values); stacked shows parts of a whole (visited + not)."""
    option = {
        "title": {"text": str(title), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 16, "bottom": 90, "top": 40},
        "xAxis": {"type": "category", "data": [str(c) for c in categories], "axisLabel": {"rotate": 35, "interval": 0}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"type": "bar", "name": str(name), "data": list(values), "barMaxWidth": 36, **({"stack": "total"} if stacked else {})}
            for name, values in series
        ],
    }
    if colors:
        option["color"] = list(colors)
    if len(categories) > 15:
        option["dataZoom"] = [{"type": "slider", "bottom": 28, "height": 14, "startValue": 0, "endValue": 14}]
        option["grid"]["bottom"] = 110
    return option


def calendar_heatmap(title: str, year: int, items: Sequence[tuple[str, int]], series_name: str = "") -> dict:
    """A year's calendar coloured by a count per day (ECharts calendar + heatmap); `items` are
    ("YYYY-MM-DD", n). Clicking a day is handled by charts.js (data-chart-link)."""
    top = max((n for _d, n in items), default=0)
    return {
        "title": {"text": str(title), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {},
        "visualMap": {"min": 0, "max": max(top, 1), "calculable": False, "orient": "horizontal", "left": "center",
                      "bottom": 0, "inRange": {"color": ["#e8f1fb", "#1d6fce"]}},
        "calendar": {"range": str(year), "top": 60, "left": 30, "right": 10, "cellSize": ["auto", 15],
                     "yearLabel": {"show": False}, "dayLabel": {"firstDay": 1, "nameMap": "ZH"}, "monthLabel": {"nameMap": "ZH"}},
        "series": [{"type": "heatmap", "name": str(series_name), "coordinateSystem": "calendar",
                    "data": [[d, n] for d, n in items]}],
    }


def sparkline(labels: Sequence[str], values: Sequence[float | int | None], *, unit: str = "") -> dict:
    """A small line without axes (the workbench's trend of a figure); gaps stay gaps."""
    return {
        "animation": False,
        "grid": {"left": 4, "right": 4, "top": 6, "bottom": 18},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": [str(x) for x in labels], "boundaryGap": False,
                  "axisLine": {"show": False}, "axisTick": {"show": False}, "axisLabel": {"fontSize": 10}},
        "yAxis": {"type": "value", "show": False, "scale": True},
        "series": [{"type": "line", "data": list(values), "smooth": True, "symbolSize": 4, "areaStyle": {"opacity": 0.15},
                    "name": str(unit)}],
    }


# --- schools as points on a region's outline (drawn by static/monitoring/map.js) -------------------------
# The map fits the box between the title and the legend row (ECharts keeps its aspect ratio).
MAP_BOX = {"left": 8, "right": 8, "top": 40, "bottom": 36}
MAP_EMPTY_COLOR = "#e9ecef"
# Up to this many schools the points carry their names; more would overlap.
POINT_NAMES_MAX = 30


def points_legend(pieces: Sequence[tuple[int, str, str]], dimension: int) -> dict:
    """A piecewise legend as one row under the map (never over it). `pieces`: (value, label, colour)."""
    return {
        "type": "piecewise", "orient": "horizontal", "left": "center", "bottom": 0, "dimension": dimension,
        "itemGap": 16, "textStyle": {"fontSize": 12},
        "pieces": [{"value": value, "label": str(label), "color": color} for value, label, color in pieces],
    }


def points_map(title: str, points: Sequence[dict], pieces: Sequence[tuple[int, str, str]]) -> dict:
    """Schools as points on a region's outline, coloured by their category. map.js registers the
    outline as the `geo` map. `points`: {name, lng, lat, value (a piece's value), link, detail, and
    optionally symbol ("diamond", …)}; schools without coordinates are left out by the caller."""
    data = []
    for pt in points:
        item = {"name": str(pt["name"]), "value": [float(pt["lng"]), float(pt["lat"]), pt["value"]],
                "label_text": str(pt["name"]), "detail": str(pt.get("detail", "")), "link": pt.get("link", "")}
        if pt.get("symbol"):
            item["symbol"] = pt["symbol"]
            item["symbolSize"] = 14
        data.append(item)
    return {
        "title": {"text": str(title), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "visualMap": points_legend(pieces, 2),
        "geo": {"roam": True, "silent": True, **MAP_BOX, "label": {"show": False},
                "itemStyle": {"areaColor": MAP_EMPTY_COLOR, "borderColor": "#adb5bd", "borderWidth": 1}},
        "series": [{
            "type": "scatter", "coordinateSystem": "geo", "symbolSize": 10,
            "label": {"show": len(points) <= POINT_NAMES_MAX, "formatter": "{b}", "position": "right", "fontSize": 10},
            "data": data,
        }],
    }


def county_geo_files(code: str) -> str:
    """The boundary files that may hold a county's shape, nearest first: its city's, then its
    province's (municipalities and counties directly under a province have no city file)."""
    code = code.ljust(6, "0")
    return f"{code[:4]}00,{code[:2]}0000"
