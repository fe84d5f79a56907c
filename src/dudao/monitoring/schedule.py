"""Daily jobs of the monitoring app (core/schedule.py finds this module)."""

from datetime import timedelta

from dudao.core.jobs import watch
from dudao.core.schedule import daily

# 03:30 Beijing time: a full recompute of every year whose base data changed since its last full
# recompute — a safety net behind the per-change and per-import background recomputes.
daily("monitoring.recompute", "dudao.monitoring.services.monitoring_recompute_daily", at="03:30")

# Runs whose worker died are enqueued again or failed by the scheduler's sweep (core/jobs.py).
watch("monitoring.MonitoringRun", "dudao.monitoring.services.monitoring_run_check_stalled",
      pending="queued", running=["running"], stale_after=timedelta(minutes=20),
      pending_clock="requested_at", running_clock="started_at")
