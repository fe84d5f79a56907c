"""Daily jobs of the monitoring app (core/schedule.py finds this module)."""

from dudao.core.schedule import daily

# 03:30 Beijing time: a full recompute of every year whose base data changed since its last full
# recompute — a safety net behind the per-change and per-import background recomputes.
daily("monitoring.recompute", "dudao.monitoring.services.monitoring_recompute_daily", at="03:30")
