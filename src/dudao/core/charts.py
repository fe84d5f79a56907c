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
